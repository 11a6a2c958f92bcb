import type { PowerObservation } from '../../agent/drivers/driver.js';
import type { StepOutcome } from '../../agent/transport/control-plane.js';
import type { ServerVmState } from '../../db/tables/compute-tables.js';
import type { Server } from '../servers/server-model.js';
import { PowerState } from '../servers/server-model.js';
import type { ServerChanges } from '../servers/server-store.js';
import { taskRule } from '../servers/server-tasks.js';
import { hostFailureFault } from '../servers/server-fault.js';

const vmStateOf: Readonly<Record<PowerObservation, ServerVmState>> = {
  running: 'active',
  shutdown: 'stopped',
  crashed: 'stopped',
  paused: 'paused',
  suspended: 'suspended',
};

const powerStateOf: Readonly<Record<PowerObservation, Server['powerState']>> = {
  running: PowerState.RUNNING,
  shutdown: PowerState.SHUTDOWN,
  crashed: PowerState.CRASHED,
  paused: PowerState.PAUSED,
  suspended: PowerState.SUSPENDED,
};

/**
 * The row changes a step outcome means, by the task's rule (server-tasks.ts). A failed
 * build or resize ends in ERROR with a fault; another failed action keeps the vm_state,
 * clears the task and records the fault; a change seen
 * with no task (crash, external kill) follows what runs, as Nova's power sync does.
 */
export function changesFor(
  s: Server,
  o: Exclude<StepOutcome, { kind: 'destroyed' }>,
  now: string,
): ServerChanges {
  const rule = taskRule(s.taskState);
  if (o.kind === 'done') {
    const keepVmState = rule?.done === 'keep';
    const done = rule?.done ?? 'power';
    return {
      task_state: null,
      vm_state: done === 'keep' ? s.vmState : done === 'power' ? vmStateOf[o.power] : done,
      power_state: powerStateOf[o.power],
      observed_power: o.power,
      observed_at: now,
      observed_reason: null,
      ...(o.handle !== undefined && { workload_handle: JSON.stringify(o.handle) }),
      ...(keepVmState && { pending_image_id: null }),
      ...(s.taskState === 'spawning' || s.taskState === 'rebuilding'
        ? { launched_at: now, fault: null }
        : {}),
    };
  }
  if (o.kind === 'failed') {
    const fault = JSON.stringify(hostFailureFault(o.message, now));
    return rule?.failed === 'error'
      ? { task_state: null, vm_state: 'error', power_state: PowerState.NOSTATE, fault }
      : { task_state: null, fault, pending_image_id: null };
  }
  if (o.power === 'missing') {
    const fault = JSON.stringify(hostFailureFault(o.reason ?? 'The workload is gone from the host.', now));
    return {
      vm_state: 'error',
      power_state: PowerState.NOSTATE,
      observed_power: 'missing',
      observed_at: now,
      observed_reason: o.reason ?? null,
      fault,
    };
  }
  return {
    vm_state: vmStateOf[o.power],
    power_state: powerStateOf[o.power],
    observed_power: o.power,
    observed_at: now,
    observed_reason: o.reason ?? null,
  };
}
