import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { ComputeDriver, PowerObservation, WorkloadHandle } from '../drivers/driver.js';
import {
  supportsCrashDump,
  supportsDiskLifecycle,
  supportsPowerStates,
  supportsSnapshot,
} from '../drivers/driver.js';
import { isRetryable } from '../drivers/driver-errors.js';
import type { AssignedServer, ServerControlPlane, StepOutcome } from '../transport/control-plane.js';

export interface InstanceControllerDeps {
  readonly hostname: string;
  readonly driver: ComputeDriver;
  readonly servers: ServerControlPlane;
  /** Graceful stop timeout before forcing. */
  readonly stopTimeoutMs: number;
}

/**
 * Makes the host match what the control plane wants for one server: reads the server
 * fresh, does the one step its task state asks for (or, with no task, checks the observed
 * power), reports the outcome, returns. Every step is idempotent because a crash between
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
      const outcome = await step(d, s, signal);
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
    switch (s.taskState) {
      case 'deleting':
        await d.driver.destroy(s.id, signal);
        return { kind: 'destroyed' };
      case 'spawning':
        return { kind: 'done', power: 'running', handle: await d.driver.create(s.spec, signal) };
      case 'resize_migrating':
      case 'resize_reverting':
      case 'rebuilding':
        return { kind: 'done', power: 'running', handle: await diskStep(d, s, h, signal) };
      // Awaited here, so a failed step becomes a reported outcome rather than an endless retry.
      case null:
        return await observeOnly(d, s, signal);
      default:
        return await powerStep(d, s, h, signal);
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
  h: WorkloadHandle,
  signal: AbortSignal,
): Promise<WorkloadHandle> {
  const drv = d.driver;
  if (supportsDiskLifecycle(drv) && (await drv.observe(s.id)) !== undefined) {
    if (s.taskState === 'resize_migrating') return drv.resize(h, s.spec, signal);
    if (s.taskState === 'resize_reverting') return drv.revertResize(h, s.spec, signal);
    return drv.rebuild(h, s.spec, signal);
  }
  await drv.destroy(s.id, signal);
  return drv.create(s.spec, signal);
}

async function powerStep(
  d: InstanceControllerDeps,
  s: AssignedServer,
  h: WorkloadHandle,
  signal: AbortSignal,
): Promise<StepOutcome | undefined> {
  const drv = d.driver;
  const power = supportsPowerStates(drv) ? drv : undefined;
  const steps: Record<string, () => Promise<PowerObservation>> = {
    rebooting: () => drv.reboot(h, false, signal).then(() => 'running'),
    rebooting_hard: () => drv.reboot(h, true, signal).then(() => 'running'),
    'powering-off': () => drv.stop(h, { timeoutMs: d.stopTimeoutMs }, signal).then(() => 'shutdown'),
    'powering-on': () => drv.start(h, signal).then(() => 'running'),
    pausing: () =>
      need(power)
        .pause(h, signal)
        .then(() => 'paused'),
    unpausing: () =>
      need(power)
        .unpause(h, signal)
        .then(() => 'running'),
    suspending: () =>
      need(power)
        .suspend(h, signal)
        .then(() => 'suspended'),
    resuming: () =>
      need(power)
        .resume(h, signal)
        .then(() => 'running'),
    crash_dumping: async () => {
      if (!supportsCrashDump(drv)) throw new Error(`driver ${drv.name} cannot trigger a crash dump`);
      await drv.triggerCrashDump(h, signal);
      return (await drv.observe(s.id))?.power ?? 'shutdown';
    },
    image_snapshot: async () => {
      if (!supportsSnapshot(drv)) throw new Error(`driver ${drv.name} cannot snapshot`);
      await d.servers.uploadSnapshot(d.hostname, s.id, await drv.snapshot(h, signal));
      return (await drv.observe(s.id))?.power ?? 'shutdown';
    },
  };
  const run = s.taskState === null ? undefined : steps[s.taskState];
  // Task states owned by the control plane (scheduling, resize steps) are not ours to act on.
  if (run === undefined) return undefined;
  return { kind: 'done', power: await run() };
}

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

function need<T>(x: T | undefined): T {
  if (x === undefined) throw new Error('the driver does not support this power action');
  return x;
}
