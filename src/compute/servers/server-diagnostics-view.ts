import type { WorkloadHandle } from '../../agent/drivers/driver.js';
import type { ServerPowerState } from '../../db/tables/compute-tables.js';
import type { ServerDiagnostics } from './server-diagnostics-schemas.js';
import type { Server } from './server-model.js';

/** What the control plane knows about a server's workload. */
export interface DiagnosticsSource {
  readonly server: Server;
  /** The handle the agent stored for the workload (servers.workload_handle), if any. */
  readonly handle: WorkloadHandle | undefined;
  /** The driver the server's host registered with ('qemu+runc' for a host running several). */
  readonly hostDriver: string | undefined;
  readonly now: Date;
}

type WorkloadFacts = Omit<ServerDiagnostics, 'driver' | 'power_state' | 'uptime'>;
type StateReader = (state: Readonly<Record<string, unknown>>) => WorkloadFacts;

/** Nova's names for power_state numbers (nova/objects/fields.py InstancePowerState). */
export const powerStateNames: Readonly<Record<ServerPowerState, string>> = {
  0: 'pending',
  1: 'running',
  3: 'paused',
  4: 'shutdown',
  6: 'crashed',
  7: 'suspended',
};

/**
 * Readers of the handle states whose shape we know, by `<driver>/<stateVersion>`. A handle
 * is opaque to all but its driver, so each reader takes only fields of the right type and
 * a handle of an unknown driver or version adds nothing. The fake driver keeps its spec
 * there, which is not for the API to show.
 */
const stateReaders: Readonly<Record<string, StateReader>> = {
  // src/agent/drivers/qemu/qemu-runtime.ts, QemuHandleState
  'qemu/1': (st) => ({
    ...count('cpu_count', st['vcpus']),
    ...count('memory_mb', st['memoryMb']),
    ...count('disk_gb', st['rootGb']),
    ...(st['accelerator'] === 'kvm' || st['accelerator'] === 'tcg' ? { accelerator: st['accelerator'] } : {}),
    ...(typeof st['diskFormat'] === 'string' && { disk_format: st['diskFormat'] }),
  }),
  // src/agent/drivers/runc/runc-observe.ts, handleOf
  'runc/1': (st) =>
    st['rootfsMode'] === 'overlay' || st['rootfsMode'] === 'copy' ? { rootfs_mode: st['rootfsMode'] } : {},
};

/**
 * GET /servers/{id}/diagnostics, microversion 2.1. Sizes and driver facts are shown only
 * for a server with no task in progress: during a resize or rebuild the stored handle
 * and the flavor may describe a workload that is being replaced.
 */
export function serverDiagnosticsView(src: DiagnosticsSource): ServerDiagnostics {
  const s = src.server;
  const settled = s.taskState === null;
  const h = settled ? src.handle : undefined;
  const driver = h?.driver ?? singleDriver(src.hostDriver);
  const fromHandle =
    h === undefined ? {} : (stateReaders[`${h.driver}/${h.stateVersion}`]?.(stateOf(h)) ?? {});
  // The agent builds the workload from the flavor, so a settled server runs with its sizes.
  const fromFlavor: WorkloadFacts = settled
    ? { cpu_count: s.flavor.vcpus, memory_mb: s.flavor.ram, disk_gb: s.flavor.disk }
    : {};
  const uptime = s.launchedAt === null ? undefined : secondsSince(s.launchedAt, src.now);
  return {
    ...(driver !== undefined && { driver }),
    power_state: powerStateNames[s.powerState],
    ...fromFlavor,
    ...fromHandle,
    ...(uptime !== undefined && { uptime }),
  };
}

function count<K extends 'cpu_count' | 'memory_mb' | 'disk_gb'>(
  key: K,
  v: unknown,
): Partial<Record<K, number>> {
  return Number.isInteger(v) && (v as number) >= 0 ? ({ [key]: v } as Partial<Record<K, number>>) : {};
}

function stateOf(h: WorkloadHandle): Readonly<Record<string, unknown>> {
  return typeof h.state === 'object' && h.state !== null ? (h.state as Record<string, unknown>) : {};
}

/** A host running one driver runs every workload with it; a driver set does not say which. */
function singleDriver(hostDriver: string | undefined): string | undefined {
  return hostDriver !== undefined && !hostDriver.includes('+') ? hostDriver : undefined;
}

function secondsSince(iso: string, now: Date): number | undefined {
  const since = Date.parse(iso);
  return Number.isNaN(since) ? undefined : Math.max(0, Math.floor((now.getTime() - since) / 1000));
}
