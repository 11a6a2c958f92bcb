import type { AgentStep } from '../../agent/transport/control-plane.js';
import type { ServerTaskState, ServerVmState } from '../../db/tables/compute-tables.js';

export type { ServerTaskState };

/**
 * Every task_state Strata sets (Nova's names), and per task, in one place: the instance
 * action it belongs to, who carries it out (an agent step on the server's host, or the
 * control plane itself), and what the step's outcome does to the server. The API sets a
 * task through an action of server-machine.ts; the agent runs `step`
 * (src/agent/controllers/instance-controller.ts); step-outcome.ts applies `done` or
 * `failed` when the agent reports; server-status.ts shows the task as an API status.
 */
export const serverTasks = {
  // Control plane: the scheduler places the server (then 'spawning' on the chosen host).
  scheduling: { action: 'create', step: null, done: 'power', failed: 'error' },
  spawning: { action: 'create', step: 'create', done: 'power', failed: 'error' },
  // Control plane: volumes of the block device mapping made and reserved (then 'scheduling').
  block_device_mapping: { action: 'create', step: null, done: 'power', failed: 'error' },
  rebooting: { action: 'reboot', step: 'reboot-soft', done: 'power', failed: 'keep' },
  rebooting_hard: { action: 'reboot', step: 'reboot-hard', done: 'power', failed: 'keep' },
  'powering-off': { action: 'stop', step: 'power-off', done: 'power', failed: 'keep' },
  'powering-on': { action: 'start', step: 'power-on', done: 'power', failed: 'keep' },
  pausing: { action: 'pause', step: 'pause', done: 'power', failed: 'keep' },
  unpausing: { action: 'unpause', step: 'unpause', done: 'power', failed: 'keep' },
  suspending: { action: 'suspend', step: 'suspend', done: 'power', failed: 'keep' },
  resuming: { action: 'resume', step: 'resume', done: 'power', failed: 'keep' },
  rebuilding: { action: 'rebuild', step: 'rebuild', done: 'power', failed: 'keep' },
  // The snapshot leaves the server as it was.
  image_snapshot: { action: 'createImage', step: 'snapshot', done: 'keep', failed: 'keep' },
  crash_dumping: { action: 'trigger_crash_dump', step: 'crash-dump', done: 'power', failed: 'keep' },
  // Control plane: the scheduler claims the new size (then 'resize_migrating').
  resize_prep: { action: 'resize', step: null, done: 'power', failed: 'keep' },
  resize_migrating: { action: 'resize', step: 'resize', done: 'resized', failed: 'error' },
  // Control plane: confirm drops the old claim; the agent drops what it kept when it next looks.
  resize_confirming: { action: 'confirmResize', step: null, done: 'power', failed: 'keep' },
  resize_reverting: { action: 'revertResize', step: 'revert-resize', done: 'power', failed: 'error' },
  deleting: { action: 'delete', step: 'destroy', done: 'power', failed: 'keep' },
} as const satisfies Readonly<Record<ServerTaskState, TaskRule>>;

export interface TaskRule {
  /** The instance action whose events the task's steps record. */
  readonly action: string;
  /** The agent step that carries it out; null for tasks the control plane carries out. */
  readonly step: AgentStep | null;
  /** The vm_state once the step is done: the one for the power seen ('power'), kept, or this one. */
  readonly done: 'power' | 'keep' | ServerVmState;
  /** A failed step: the server goes to ERROR, or keeps its vm_state with the fault recorded. */
  readonly failed: 'error' | 'keep';
}

export function isServerTaskState(s: string): s is ServerTaskState {
  // serverTasks has exactly the union's keys (checked by `satisfies` above).
  return Object.hasOwn(serverTasks, s);
}

/** The task's rule; for a task this version does not know (an old row), none. */
export function taskRule(task: string | null): TaskRule | undefined {
  return task !== null && isServerTaskState(task) ? serverTasks[task] : undefined;
}
