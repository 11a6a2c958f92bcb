import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type {
  ComputeDriver,
  PowerObservation,
  PowerStateSupport,
  WorkloadHandle,
} from '../drivers/driver.js';
import {
  supportsCrashDump,
  supportsDiskLifecycle,
  supportsPowerStates,
  supportsSnapshot,
} from '../drivers/driver.js';
import { isRetryable } from '../drivers/driver-errors.js';
import type { PortPlugDeps } from '../dataplane/port-plugging.js';
import { plugNics, unplugNics } from '../dataplane/port-plugging.js';
import type {
  AgentStep,
  AssignedServer,
  ServerControlPlane,
  StepOutcome,
} from '../transport/control-plane.js';

export interface InstanceControllerDeps {
  readonly hostname: string;
  readonly driver: ComputeDriver;
  readonly servers: ServerControlPlane;
  /** Graceful stop timeout before forcing. */
  readonly stopTimeoutMs: number;
  /** Wires the servers' ports on this host (src/agent/dataplane). */
  readonly ports: PortPlugDeps;
  /** Told how long each step took and how it ended (metrics). */
  readonly stepDone?: ((driver: string, step: string, seconds: number, outcome: string) => void) | undefined;
}

/**
 * Makes the host match what the control plane wants for one server: reads the server
 * fresh, does the one step the control plane names for its task (src/compute/servers/
 * server-tasks.ts; with no task, checks the observed power), reports the outcome, returns. Every step is idempotent because a crash between
 * the step and the report replays it.
 */
export function instanceController(d: InstanceControllerDeps): Reconciler {
  return {
    name: `instances@${d.hostname}`,
    listKeys: () => d.servers.listAssigned(d.hostname),
    async reconcile(serverId, signal): Promise<ReconcileResult> {
      const s = await d.servers.getAssigned(d.hostname, serverId);
      if (s === undefined) {
        // Not ours (any more): nothing of it may keep running here.
        if (await d.driver.observe(serverId)) await d.driver.destroy(serverId, signal);
        return {};
      }
      const start = performance.now();
      const outcome = await step(d, s, signal);
      if (s.step !== 'wait')
        d.stepDone?.(d.driver.name, s.step, (performance.now() - start) / 1000, outcome?.kind ?? 'none');
      if (outcome !== undefined) await d.servers.report(d.hostname, s.id, s.generation, outcome);
      return {};
    },
  };
}

async function step(
  d: InstanceControllerDeps,
  s: AssignedServer,
  signal: AbortSignal,
): Promise<StepOutcome | undefined> {
  const h = s.handle ?? handleOf(d.driver, s.id);
  try {
    switch (s.step) {
      case 'wait':
        return undefined;
      // Awaited here, so a failed step becomes a reported outcome rather than an endless retry.
      case 'observe':
        return await observeOnly(d, s, signal);
      case 'destroy':
        await d.driver.destroy(s.id, signal);
        await unplugNics(d.ports, s.spec.nics, signal);
        return { kind: 'destroyed' };
      case 'create':
        // Ports first: the workload starts only once the network service has them ACTIVE.
        await plugNics(d.ports, s.id, s.spec.nics, signal);
        return {
          kind: 'done',
          power: 'running',
          handle: await d.driver.create(s.spec, signal),
          ...(s.devices !== undefined && { devices: s.devices }),
        };
      case 'resize':
      case 'revert-resize':
      case 'rebuild':
        return { kind: 'done', power: 'running', handle: await diskStep(d, s, s.step, h, signal) };
      default:
        return { kind: 'done', power: await powerSteps[s.step](d, s, h, signal) };
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'failed', message, ...(isRetryable(err) && { retryable: true }) };
  }
}

/** Resize, revert and rebuild keep the disk where the driver can and it is here; else re-create. */
async function diskStep(
  d: InstanceControllerDeps,
  s: AssignedServer,
  step: 'resize' | 'revert-resize' | 'rebuild',
  h: WorkloadHandle,
  signal: AbortSignal,
): Promise<WorkloadHandle> {
  const drv = d.driver;
  if (supportsDiskLifecycle(drv) && (await drv.observe(s.id)) !== undefined) {
    if (step === 'resize') return drv.resize(h, s.spec, signal);
    if (step === 'revert-resize') return drv.revertResize(h, s.spec, signal);
    return drv.rebuild(h, s.spec, signal);
  }
  await drv.destroy(s.id, signal);
  return drv.create(s.spec, signal);
}

type PowerStep = Exclude<AgentStep, 'create' | 'destroy' | 'resize' | 'revert-resize' | 'rebuild'>;
type PowerRun = (
  d: InstanceControllerDeps,
  s: AssignedServer,
  h: WorkloadHandle,
  signal: AbortSignal,
) => Promise<PowerObservation>;

/** The steps that change what runs but not what it runs from; each resolves to the power it leaves. */
const powerSteps: Readonly<Record<PowerStep, PowerRun>> = {
  'reboot-soft': (d, _s, h, signal) => d.driver.reboot(h, false, signal).then(() => 'running'),
  'reboot-hard': (d, _s, h, signal) => d.driver.reboot(h, true, signal).then(() => 'running'),
  'power-off': (d, _s, h, signal) =>
    d.driver.stop(h, { timeoutMs: d.stopTimeoutMs }, signal).then(() => 'shutdown'),
  'power-on': (d, _s, h, signal) => d.driver.start(h, signal).then(() => 'running'),
  pause: (d, _s, h, signal) =>
    powerStates(d.driver)
      .pause(h, signal)
      .then(() => 'paused'),
  unpause: (d, _s, h, signal) =>
    powerStates(d.driver)
      .unpause(h, signal)
      .then(() => 'running'),
  suspend: (d, _s, h, signal) =>
    powerStates(d.driver)
      .suspend(h, signal)
      .then(() => 'suspended'),
  resume: (d, _s, h, signal) =>
    powerStates(d.driver)
      .resume(h, signal)
      .then(() => 'running'),
  'crash-dump': async (d, s, h, signal) => {
    if (!supportsCrashDump(d.driver)) throw new Error(`driver ${d.driver.name} cannot trigger a crash dump`);
    await d.driver.triggerCrashDump(h, signal);
    return (await d.driver.observe(s.id))?.power ?? 'shutdown';
  },
  snapshot: async (d, s, h, signal) => {
    if (!supportsSnapshot(d.driver)) throw new Error(`driver ${d.driver.name} cannot snapshot`);
    await d.servers.uploadSnapshot(d.hostname, s.id, await d.driver.snapshot(h, signal));
    return (await d.driver.observe(s.id))?.power ?? 'shutdown';
  },
};

/** No task: compare what runs with what should run (Nova's power-state sync). */
async function observeOnly(
  d: InstanceControllerDeps,
  s: AssignedServer,
  signal: AbortSignal,
): Promise<StepOutcome | undefined> {
  if (s.vmState === 'building' || s.vmState === 'error') return undefined;
  // What a resize kept lives only while the server waits in VERIFY_RESIZE.
  if (s.vmState !== 'resized' && supportsDiskLifecycle(d.driver)) await d.driver.confirmResize(s.id, signal);
  const expected = expectedPower(s.vmState);
  let seen = await d.driver.observe(s.id);
  if (seen === undefined && s.handle !== undefined && expected !== undefined) {
    // After an agent restart: re-attach before concluding the workload is gone.
    await d.driver.recover(s.handle, expected);
    seen = await d.driver.observe(s.id);
  }
  if (seen === undefined)
    return { kind: 'observed', power: 'missing', reason: 'the workload is gone from the host' };
  if (expected === undefined || seen.power === expected) return undefined;
  return { kind: 'observed', power: seen.power, ...(seen.reason !== undefined && { reason: seen.reason }) };
}

function expectedPower(vmState: string): PowerObservation | undefined {
  return (
    { active: 'running', stopped: 'shutdown', paused: 'paused', suspended: 'suspended' } as Record<
      string,
      PowerObservation
    >
  )[vmState];
}

function handleOf(driver: ComputeDriver, id: string): WorkloadHandle {
  return { workloadId: id, driver: driver.name, stateVersion: 1, state: {} };
}

function powerStates(driver: ComputeDriver): PowerStateSupport {
  if (!supportsPowerStates(driver))
    throw new Error(`driver ${driver.name} does not support this power action`);
  return driver;
}
