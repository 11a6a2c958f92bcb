import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { keystoneTime } from '../../common/time.js';
import type { AvailabilityZone, HostState } from './host-service.js';
import { computeBinary } from './host-service.js';
import type { ComputeHost, HostServer } from './host-store.js';

/** Nova prints service times as naive UTC with microseconds: 2012-10-29T13:42:02.000000. */
const novaTime = (iso: string) => keystoneTime(iso).replace(/Z$/, '');

// Nova's hypervisor_type spellings for the drivers that have one.
const hypervisorTypes: Readonly<Record<string, string>> = { qemu: 'QEMU', redfish: 'ironic' };

/** GET /os-availability-zone: `hosts` is always null in the summary. */
export function availabilityZoneListView(zones: ReadonlyArray<AvailabilityZone>) {
  return {
    availabilityZoneInfo: zones.map((z) => ({
      zoneName: z.name,
      zoneState: { available: z.available },
      hosts: null,
    })),
  };
}

/** The detail view adds, per available zone, each enabled host's nova-compute service. */
export function availabilityZoneDetailView(zones: ReadonlyArray<AvailabilityZone>) {
  return {
    availabilityZoneInfo: zones.map((z) => ({
      zoneName: z.name,
      zoneState: { available: z.available },
      hosts: z.available
        ? Object.fromEntries(
            z.hosts.map((s) => [
              s.host.hostname,
              {
                [computeBinary]: {
                  available: s.up,
                  active: s.host.status === 'enabled',
                  updated_at: novaTime(s.host.lastHeartbeat),
                },
              },
            ]),
          )
        : null,
    })),
  };
}

function hypervisorFacts(h: ComputeHost, mv: Microversion | undefined) {
  const f = h.facts;
  const cpuInfo = f['cpu_info'];
  return {
    hypervisor_type:
      typeof f['hypervisor_type'] === 'string'
        ? f['hypervisor_type']
        : (hypervisorTypes[h.driver] ?? h.driver),
    hypervisor_version: typeof f['hypervisor_version'] === 'number' ? f['hypervisor_version'] : 0,
    host_ip: typeof f['host_ip'] === 'string' ? f['host_ip'] : null,
    // Before 2.28 Nova returns cpu_info as JSON text, from 2.28 as the object.
    cpu_info: atLeast(mv, [2, 28]) ? cpuInfoObject(cpuInfo) : cpuInfoText(cpuInfo),
  };
}

function cpuInfoText(v: unknown): string {
  return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

function cpuInfoObject(v: unknown): object {
  if (typeof v === 'object' && v !== null) return v;
  try {
    const parsed: unknown = typeof v === 'string' && v !== '' ? JSON.parse(v) : {};
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** Nova's service and hypervisor id: an integer before 2.53, the UUID from it. */
export function hostApiId(h: ComputeHost, mv: Microversion | undefined): number | string {
  return atLeast(mv, [2, 53]) ? h.id : h.serviceNumber;
}

/** A hypervisor: one per host, its id the host's (see hostApiId). */
export function hypervisorView(
  s: HostState,
  detail: boolean,
  mv: Microversion | undefined,
  servers?: ReadonlyArray<HostServer>,
) {
  const h = s.host;
  const brief = {
    id: hostApiId(h, mv),
    hypervisor_hostname: h.hostname,
    state: s.up ? 'up' : 'down',
    status: h.status,
  };
  const withServers =
    servers === undefined || servers.length === 0
      ? {}
      : { servers: servers.map((v) => ({ name: v.name, uuid: v.id })) };
  if (!detail) return { ...brief, ...withServers };
  const { cpu_info, ...facts } = hypervisorFacts(h, mv);
  return {
    ...brief,
    ...facts,
    service: { id: hostApiId(h, mv), host: h.hostname, disabled_reason: h.disabledReason },
    ...hypervisorResources(s),
    cpu_info,
    ...withServers,
  };
}

function hypervisorResources(s: HostState) {
  const h = s.host;
  const u = s.usage;
  const freeDisk = h.localGb - u.localGbUsed;
  return {
    vcpus: h.vcpus,
    memory_mb: h.memoryMb,
    local_gb: h.localGb,
    vcpus_used: u.vcpusUsed,
    memory_mb_used: u.memoryMbUsed,
    local_gb_used: u.localGbUsed,
    free_ram_mb: h.memoryMb - u.memoryMbUsed,
    free_disk_gb: freeDisk,
    current_workload: u.currentWorkload,
    running_vms: u.runningVms,
    disk_available_least: freeDisk,
  };
}

/** Sums over enabled hosts, as Nova's statistics skip disabled services. */
export function hypervisorStatisticsView(states: ReadonlyArray<HostState>) {
  const totals = {
    count: 0,
    vcpus: 0,
    memory_mb: 0,
    local_gb: 0,
    vcpus_used: 0,
    memory_mb_used: 0,
    local_gb_used: 0,
    free_ram_mb: 0,
    free_disk_gb: 0,
    current_workload: 0,
    running_vms: 0,
    disk_available_least: 0,
  };
  for (const s of states.filter((x) => x.host.status === 'enabled')) {
    totals.count += 1;
    for (const [k, v] of Object.entries(hypervisorResources(s))) totals[k as keyof typeof totals] += v;
  }
  return { hypervisor_statistics: totals };
}

/** One nova-compute service per host, with the host's id (see hostApiId). */
export function serviceView(s: HostState, mv: Microversion | undefined) {
  const h = s.host;
  return {
    id: hostApiId(h, mv),
    binary: computeBinary,
    host: h.hostname,
    zone: h.availabilityZone,
    status: h.status,
    state: s.up ? 'up' : 'down',
    updated_at: novaTime(h.lastHeartbeat),
    disabled_reason: h.disabledReason,
    ...(atLeast(mv, [2, 11]) && { forced_down: h.forcedDown }),
  };
}
