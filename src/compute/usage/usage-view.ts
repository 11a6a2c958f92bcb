import { osloTime } from '../../common/time.js';
import type { ServerUsage, TenantUsage } from './usage-service.js';

/** A server_usages entry, keys in Nova's order; times print as Nova's naive datetimes. */
function serverUsageView(s: ServerUsage) {
  return {
    hours: s.hours,
    flavor: s.flavorName,
    instance_id: s.instanceId,
    name: s.name,
    tenant_id: s.projectId,
    memory_mb: s.memoryMb,
    local_gb: s.localGb,
    vcpus: s.vcpus,
    started_at: osloTime(s.startedAt),
    ended_at: s.endedAt === null ? null : osloTime(s.endedAt),
    state: s.state,
    uptime: s.uptimeSec,
  };
}

/** One project's usage: totals over the period, and server_usages when detailed. */
export function tenantUsageView(u: TenantUsage) {
  return {
    tenant_id: u.totals.projectId,
    ...(u.servers !== undefined && { server_usages: u.servers.map(serverUsageView) }),
    total_local_gb_usage: u.totals.localGbHours,
    total_vcpus_usage: u.totals.vcpuHours,
    total_memory_mb_usage: u.totals.memoryMbHours,
    total_hours: u.totals.hours,
    start: u.period.start.text,
    stop: u.period.stop.text,
  };
}

/** `{"tenant_usages": [...]}`. */
export function tenantUsagesView(usages: ReadonlyArray<TenantUsage>) {
  return { tenant_usages: usages.map(tenantUsageView) };
}

/** `{"tenant_usage": {...}}`, or `{"tenant_usage": {}}` when nothing of the project ran in the period. */
export function tenantUsageShowView(u: TenantUsage | undefined) {
  return { tenant_usage: u === undefined ? {} : tenantUsageView(u) };
}
