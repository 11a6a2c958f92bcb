import { InvalidStateError } from '../../common/errors.js';
import type { Server } from './server-model.js';
import type { ServerTaskState } from './server-tasks.js';

/*
 * Server actions as a table. The API checks an action here before writing anything,
 * then writes the task state with a compare-and-set; what the task then means (who does
 * it, what its outcome does) is in server-tasks.ts.
 *
 *   building ──spawn──► active ◄──start── stopped ◄──stop── active
 *   active ──pause──► paused ──unpause──► active
 *   active ──suspend──► suspended ──resume──► active
 *   active|stopped ──resize──► resized ──confirm──► active|stopped
 *                                       └─revert──► active|stopped
 *   any ──delete──► deleted
 */
export type ServerAction =
  | 'reboot_soft'
  | 'reboot_hard'
  | 'stop'
  | 'start'
  | 'pause'
  | 'unpause'
  | 'suspend'
  | 'resume'
  | 'rebuild'
  | 'resize'
  | 'confirm_resize'
  | 'revert_resize'
  | 'create_image'
  | 'trigger_crash_dump'
  | 'delete';

interface ActionRule {
  /** vm_states that allow the action. */
  readonly from: ReadonlyArray<string>;
  /** The task state the action starts (null: the action needs no agent work); see server-tasks.ts. */
  readonly task: ServerTaskState | null;
  /** task states the action may interrupt besides none. */
  readonly overrides?: ReadonlyArray<ServerTaskState | '*'>;
}

export const serverActions: Readonly<Record<ServerAction, ActionRule>> = {
  reboot_soft: { from: ['active'], task: 'rebooting' },
  reboot_hard: {
    from: ['active', 'stopped', 'paused', 'suspended', 'error'],
    task: 'rebooting_hard',
    overrides: ['rebooting'],
  },
  stop: { from: ['active', 'error'], task: 'powering-off' },
  start: { from: ['stopped'], task: 'powering-on' },
  pause: { from: ['active'], task: 'pausing' },
  unpause: { from: ['paused'], task: 'unpausing' },
  suspend: { from: ['active'], task: 'suspending' },
  resume: { from: ['suspended'], task: 'resuming' },
  rebuild: { from: ['active', 'stopped', 'error'], task: 'rebuilding' },
  resize: { from: ['active', 'stopped'], task: 'resize_prep' },
  confirm_resize: { from: ['resized'], task: 'resize_confirming' },
  revert_resize: { from: ['resized'], task: 'resize_reverting' },
  create_image: { from: ['active', 'stopped', 'paused', 'suspended'], task: 'image_snapshot' },
  // Nova starts no task for it; the agent needs one to know there is work.
  trigger_crash_dump: { from: ['active', 'paused', 'resized', 'error'], task: 'crash_dumping' },
  delete: {
    from: [
      'building',
      'active',
      'stopped',
      'paused',
      'suspended',
      'resized',
      'error',
      'shelved',
      'shelved_offloaded',
      'soft_deleted',
    ],
    task: 'deleting',
    overrides: ['*'],
  },
};

/** Throws Nova's 409 when the action is not allowed now; returns the rule otherwise. */
export function checkAction(server: Server, action: ServerAction, nova: string): ActionRule {
  const rule = serverActions[action];
  const taskOk =
    server.taskState === null || rule.overrides?.includes('*') || rule.overrides?.includes(server.taskState);
  if (!rule.from.includes(server.vmState) || !taskOk) {
    const attr = taskOk ? 'vm_state' : 'task_state';
    const value = taskOk ? server.vmState : server.taskState;
    throw new InvalidStateError(
      'compute.server.invalid_state',
      `Cannot '${nova}' instance ${server.id} while it is in ${attr} ${value}`,
      'server',
      String(value),
      action,
    );
  }
  return rule;
}
