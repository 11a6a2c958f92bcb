import type { StepOutcome } from '../../agent/transport/control-plane.js';
import type { BuildAttempt, Server } from '../servers/server-model.js';
import { PowerState } from '../servers/server-model.js';
import type { ServerChanges } from '../servers/server-store.js';

type Failed = Extract<StepOutcome, { kind: 'failed' }>;

export interface BuildRetry {
  /** True: back to 'scheduling'; false: out of attempts, ERROR. */
  readonly reschedule: boolean;
  readonly set: ServerChanges;
}

/**
 * A build that failed on its host for a retryable reason, as Nova handles a
 * RescheduledException: the host is marked failed in build_attempts (which the scheduler
 * then excludes) and the server goes back to 'scheduling' with no host, until
 * `maxAttempts` builds were tried ([scheduler] max_attempts); then it ends in ERROR,
 * naming the last cause. Undefined for anything else (a terminal failure goes to ERROR).
 */
export function buildRetry(s: Server, o: Failed, maxAttempts: number, now: string): BuildRetry | undefined {
  if (s.taskState !== 'spawning' || o.retryable !== true || s.host === null) return undefined;
  const attempts = withFailure(s, s.host, o.message);
  const common = {
    host: null,
    node: null,
    power_state: PowerState.NOSTATE,
    build_attempts: JSON.stringify(attempts),
  };
  if (attempts.length < maxAttempts) {
    // The zone it asked for, not the one the failed host pinned it to.
    const zone = attempts[attempts.length - 1]!.requestedZone;
    return { reschedule: true, set: { ...common, task_state: 'scheduling', availability_zone: zone } };
  }
  const fault = {
    code: 500,
    message:
      `Exceeded maximum number of retries. Exceeded max scheduling attempts ${maxAttempts} ` +
      `for instance ${s.id}. Last exception: ${o.message}`,
    details: attempts.map((a) => `${a.host}: ${a.failure ?? 'unknown'}`).join('; '),
    created: now,
  };
  return {
    reschedule: false,
    set: { ...common, task_state: null, vm_state: 'error', fault: JSON.stringify(fault) },
  };
}

/** The attempts with the one on `host` (the last) marked failed; rows placed before 0007 get one. */
function withFailure(s: Server, host: string, failure: string): BuildAttempt[] {
  const attempts = [...s.buildAttempts];
  const last = attempts[attempts.length - 1];
  if (last?.host === host) attempts[attempts.length - 1] = { ...last, failure };
  else attempts.push({ host, at: s.updatedAt, requestedZone: s.availabilityZone, failure });
  return attempts;
}
