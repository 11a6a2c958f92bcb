import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { ComputeDriver, WorkloadHandle } from '../drivers/driver.js';
import { deviceRefOf, supportsDeviceAttach } from '../drivers/driver.js';
import type { PortPlugDeps } from '../dataplane/port-plugging.js';
import { plugNics, unplugNics } from '../dataplane/port-plugging.js';
import type {
  AssignedDevice,
  AssignedDevices,
  DeviceControlPlane,
  DeviceOutcome,
} from '../transport/control-plane.js';

export interface DeviceControllerDeps {
  readonly hostname: string;
  readonly driver: ComputeDriver;
  readonly devices: DeviceControlPlane;
  /** Wires hot-plugged NICs' ports on this host. */
  readonly ports: PortPlugDeps;
}

/** Server states in which the workload may not exist yet, or is being replaced. */
const waitStates = new Set(['building']);

/**
 * Makes a server's devices match what their owners asked for, one attachment per pass:
 * reads the server's attachments fresh, attaches or detaches the first unsettled one,
 * reports, and comes back for the next. Attach and detach are idempotent in every driver,
 * so a crash between the step and the report replays it harmlessly. While the server has
 * a task in progress (a build, resize or rebuild puts the spec's devices on the workload
 * itself) the controller waits; the control plane wakes it when the task ends.
 */
export function deviceController(d: DeviceControllerDeps): Reconciler {
  return {
    name: `devices@${d.hostname}`,
    listKeys: () => d.devices.listPending(d.hostname),
    async reconcile(serverId, signal): Promise<ReconcileResult> {
      const s = await d.devices.getAssigned(d.hostname, serverId);
      if (s === undefined || s.taskState !== null || waitStates.has(s.vmState)) return {};
      const next = s.attachments.find(unsettled);
      if (next === undefined) return {};
      const outcome = await step(d, s, next, signal);
      if (outcome === undefined) return {};
      await d.devices.report(d.hostname, next.id, next.generation, outcome);
      // The next attachment, if any, in a pass of its own.
      return s.attachments.filter(unsettled).length > 1 ? { requeueAfterMs: 0 } : {};
    },
  };
}

function unsettled(a: AssignedDevice): boolean {
  return a.status !== 'error' && !(a.desired === 'attached' && a.status === 'attached');
}

async function step(
  d: DeviceControllerDeps,
  s: AssignedDevices,
  a: AssignedDevice,
  signal: AbortSignal,
): Promise<DeviceOutcome | undefined> {
  const drv = d.driver;
  const exists = (await drv.observe(s.serverId)) !== undefined;
  try {
    if (a.desired === 'detached') {
      if (exists && supportsDeviceAttach(drv))
        await drv.detachDevice(handleOf(drv, s), deviceRefOf(a.device), signal);
      if (a.device.kind === 'nic') await unplugNics(d.ports, [a.device.nic], signal);
      return { kind: 'detached' };
    }
    if (!exists) {
      // A server in error may have no workload at all; anything else gets one soon.
      return s.vmState === 'error'
        ? { kind: 'failed', message: 'The server has no workload on its host.' }
        : undefined;
    }
    if (!supportsDeviceAttach(drv))
      return { kind: 'failed', message: `The ${drv.name} driver cannot attach devices to a running server.` };
    if (a.device.kind === 'nic') await plugNics(d.ports, s.serverId, [a.device.nic], signal);
    await drv.attachDevice(handleOf(drv, s), a.device, signal);
    return { kind: 'attached' };
  } catch (err) {
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}

function handleOf(driver: ComputeDriver, s: AssignedDevices): WorkloadHandle {
  return s.handle ?? { workloadId: s.serverId, driver: driver.name, stateVersion: 1, state: {} };
}
