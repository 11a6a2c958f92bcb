import type { Server } from './server-model.js';

const byTask: Readonly<Record<string, string>> = {
  rebooting: 'REBOOT',
  reboot_pending: 'REBOOT',
  reboot_started: 'REBOOT',
  rebooting_hard: 'HARD_REBOOT',
  reboot_pending_hard: 'HARD_REBOOT',
  reboot_started_hard: 'HARD_REBOOT',
  rebuilding: 'REBUILD',
  rebuild_spawning: 'REBUILD',
  resize_prep: 'RESIZE',
  resize_migrating: 'RESIZE',
  resize_migrated: 'RESIZE',
  resize_finish: 'RESIZE',
  resize_reverting: 'REVERT_RESIZE',
};

const byVmState: Readonly<Record<string, string>> = {
  building: 'BUILD',
  active: 'ACTIVE',
  stopped: 'SHUTOFF',
  paused: 'PAUSED',
  suspended: 'SUSPENDED',
  resized: 'VERIFY_RESIZE',
  rescued: 'RESCUE',
  shelved: 'SHELVED',
  shelved_offloaded: 'SHELVED_OFFLOADED',
  soft_deleted: 'SOFT_DELETED',
  deleted: 'DELETED',
  error: 'ERROR',
};

/** The API status, derived from vm_state and task_state as Nova's status_from_state does. */
export function serverStatus(s: Pick<Server, 'vmState' | 'taskState'>): string {
  if (s.vmState === 'active' || s.vmState === 'stopped') {
    const t = s.taskState === null ? undefined : byTask[s.taskState];
    if (t !== undefined) return t;
  }
  return byVmState[s.vmState] ?? 'UNKNOWN';
}

/** The status names clients may filter on, mapped back to vm_states. */
export function vmStatesForStatus(status: string): string[] {
  const wanted = status.toUpperCase();
  return Object.entries(byVmState)
    .filter(([, st]) => st === wanted)
    .map(([vm]) => vm);
}
