import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { ComputeDeps } from '../compute-deps.js';
import { recordEvent } from '../instance-actions/instance-action-store.js';
import { PowerState } from '../servers/server-model.js';
import { toServer, updateServerIf } from '../servers/server-store.js';
import { loadHostRecords } from '../scheduling/scheduling-inputs.js';

export const buildTimeoutKey = 'builds';

/**
 * Gives up on builds whose host died: Nova's instance_build_timeout, judged by the control
 * plane because a dead agent cannot judge it. A server still 'spawning' on a host that is
 * down, with no change for `buildTimeoutSec`, ends in ERROR; its claim goes after the row
 * changed (as for any failed build), and its host is cleared so it can be deleted while
 * the host stays dead (an agent that comes back finds it is no longer its own).
 */
export function buildTimeoutController(deps: ComputeDeps): Reconciler {
  return {
    name: 'build-timeout',
    listKeys: async () => [buildTimeoutKey],
    async reconcile(): Promise<ReconcileResult> {
      await failTimedOutBuilds(deps);
      return {};
    },
  };
}

/** One pass; returns the ids of the servers it put in ERROR. */
export async function failTimedOutBuilds(deps: ComputeDeps): Promise<string[]> {
  const timeoutSec = deps.config.buildTimeoutSec;
  if (timeoutSec <= 0) return [];
  const down = (await loadHostRecords(deps)).filter((h) => !h.up).map((h) => h.hostname);
  if (down.length === 0) return [];
  const now = deps.clock();
  // updated_at: when the scheduler placed the build there, or later (a write only delays the timeout).
  const cutoff = new Date(now.getTime() - timeoutSec * 1000).toISOString();
  const rows = await deps.store.db
    .selectFrom('servers')
    .selectAll()
    .where('task_state', '=', 'spawning')
    .where('deleted_at', 'is', null)
    .where('host', 'in', down)
    .where('updated_at', '<', cutoff)
    .execute();
  const failed: string[] = [];
  for (const s of rows.map(toServer)) {
    const at = now.toISOString();
    const fault = {
      code: 500,
      message: 'Instance build timed out. Set to error state.',
      details: `host ${s.host} is down; the build has been spawning there since ${s.updatedAt}`,
      created: at,
    };
    const set = {
      vm_state: 'error' as const,
      task_state: null,
      power_state: PowerState.NOSTATE,
      host: null,
      node: null,
      fault: JSON.stringify(fault),
    };
    if (
      !(await updateServerIf(
        deps.store.db,
        s.id,
        { generation: s.generation, taskState: 'spawning' },
        set,
        at,
      ))
    )
      continue;
    await deps.placement.deleteAllocations(s.id);
    await recordEvent(deps.store.db, {
      serverId: s.id,
      action: 'create',
      event: 'compute__do_build_and_run_instance',
      start: s.updatedAt,
      finish: at,
      ok: false,
      host: s.host,
      details: fault.message,
    });
    failed.push(s.id);
  }
  return failed;
}
