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

/** Nova's names for power_state numbers (nova/objects/fields.py InstancePowerState). */
export const powerStateNames: Readonly<Record<ServerPowerState, string>> = {
  0: 'pending',
  1: 'running',
  3: 'paused',
  4: 'shutdown',
  6: 'crashed',
  7: 'suspended',
};

/** The keys a driver may report, with the values each may take (the response schema's). */
const driverKeys: Readonly<Record<keyof WorkloadFacts, (v: unknown) => boolean>> = {
  cpu_count: isCount,
  memory_mb: isCount,
  disk_gb: isCount,
  accelerator: (v) => v === 'kvm' || v === 'tcg',
  disk_format: (v) => typeof v === 'string' && /^[a-z0-9]{1,16}$/.test(v),
  rootfs_mode: (v) => v === 'overlay' || v === 'copy',
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
  const fromHandle = h === undefined ? {} : reported(h);
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

/** What the driver reported with the handle, keeping only known keys with valid values. */
function reported(h: WorkloadHandle): WorkloadFacts {
  const d: Readonly<Record<string, unknown>> =
    typeof h.diagnostics === 'object' && h.diagnostics !== null ? h.diagnostics : {};
  return Object.fromEntries(
    Object.entries(driverKeys).flatMap(([k, ok]) => (Object.hasOwn(d, k) && ok(d[k]) ? [[k, d[k]]] : [])),
  ) as WorkloadFacts;
}

function isCount(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 0;
}

/** A host running one driver runs every workload with it; a driver set does not say which. */
function singleDriver(hostDriver: string | undefined): string | undefined {
  return hostDriver !== undefined && !hostDriver.includes('+') ? hostDriver : undefined;
}

function secondsSince(iso: string, now: Date): number | undefined {
  const since = Date.parse(iso);
  return Number.isNaN(since) ? undefined : Math.max(0, Math.floor((now.getTime() - since) / 1000));
}
