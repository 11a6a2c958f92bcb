import type { ServerVmState } from '../../db/tables/compute-tables.js';
import type { Server } from './server-model.js';

/** A vm_state's status, and the task_states that show another one instead. */
interface VmStatus {
  readonly status: string;
  readonly byTask: Readonly<Record<string, string>>;
}

const reboot = {
  rebooting: 'REBOOT',
  reboot_pending: 'REBOOT',
  reboot_started: 'REBOOT',
  rebooting_hard: 'HARD_REBOOT',
  reboot_pending_hard: 'HARD_REBOOT',
  reboot_started_hard: 'HARD_REBOOT',
};
const rebuild = {
  rebuilding: 'REBUILD',
  rebuild_block_device_mapping: 'REBUILD',
  rebuild_spawning: 'REBUILD',
};
const resize = {
  resize_prep: 'RESIZE',
  resize_migrating: 'RESIZE',
  resize_migrated: 'RESIZE',
  resize_finish: 'RESIZE',
};
const only = (status: string): VmStatus => ({ status, byTask: {} });

/** Nova's _STATE_MAP (api/openstack/common.py): a task shows only where it is listed. */
const stateMap: Readonly<Record<ServerVmState, VmStatus>> = {
  active: {
    status: 'ACTIVE',
    byTask: { ...reboot, updating_password: 'PASSWORD', ...rebuild, migrating: 'MIGRATING', ...resize },
  },
  building: only('BUILD'),
  stopped: { status: 'SHUTOFF', byTask: { ...resize, ...rebuild } },
  resized: { status: 'VERIFY_RESIZE', byTask: { resize_reverting: 'REVERT_RESIZE' } },
  paused: { status: 'PAUSED', byTask: { migrating: 'MIGRATING' } },
  suspended: only('SUSPENDED'),
  rescued: only('RESCUE'),
  error: { status: 'ERROR', byTask: rebuild },
  deleted: only('DELETED'),
  soft_deleted: only('SOFT_DELETED'),
  shelved: only('SHELVED'),
  shelved_offloaded: only('SHELVED_OFFLOADED'),
};

/** The API status, derived from vm_state and task_state as Nova's status_from_state does. */
export function serverStatus(s: Pick<Server, 'vmState' | 'taskState'>): string {
  const m = Object.hasOwn(stateMap, s.vmState) ? stateMap[s.vmState] : undefined;
  if (m === undefined) return 'UNKNOWN';
  return s.taskState !== null && Object.hasOwn(m.byTask, s.taskState) ? m.byTask[s.taskState]! : m.status;
}

/** Servers a status filter matches: this vm_state, and (when set) a task_state in `taskIn`. */
export interface StatusClause {
  readonly vmState: ServerVmState;
  readonly taskIn?: ReadonlyArray<string>;
}

/** The states that render as `status` (case-insensitive, as Nova compares), for the list filter in SQL. */
export function statusClauses(status: string): StatusClause[] {
  const wanted = status.toUpperCase();
  return (Object.keys(stateMap) as ServerVmState[]).flatMap((vm) => clauseFor(vm, stateMap[vm], wanted));
}

function clauseFor(vmState: ServerVmState, m: VmStatus, wanted: string): StatusClause[] {
  // As Nova's filter: a vm_state's own status matches it whatever its task (ACTIVE includes REBOOT).
  if (m.status === wanted) return [{ vmState }];
  const taskIn = Object.keys(m.byTask).filter((t) => m.byTask[t] === wanted);
  return taskIn.length > 0 ? [{ vmState, taskIn }] : [];
}
