import { parseJson } from '../../db/row-codec.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { UsagePeriod, UsageQuery } from './usage-period.js';
import { usagePeriod, wantsDetail } from './usage-period.js';
import type { ServerUsageRow, UsageTotals, UsageWindow } from './usage-store.js';
import { serverUsageRows, usageMarker, usageTotals } from './usage-store.js';
import type { PageRequest } from '../../common/http/pagination.js';
import { keypairMarkerNotFound } from '../compute-paging.js';

/** Nova's CONF.api.max_limit: before microversion 2.40 a report covers at most this many servers. */
const maxServers = 1000;

/** One server's part of a project's usage (Nova's server_usages entry). */
export interface ServerUsage {
  readonly instanceId: string;
  readonly name: string;
  readonly projectId: string;
  readonly hours: number;
  /** The flavor's name, '' when the embedded flavor has none. */
  readonly flavorName: string;
  readonly memoryMb: number;
  readonly localGb: number;
  readonly vcpus: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** 'terminated' once it has ended, else its vm_state. */
  readonly state: string;
  /** Whole seconds from launch to termination, or to now while it runs. */
  readonly uptimeSec: number;
}

/** A project's usage over a period; `servers` only when the caller asked for detail. */
export interface TenantUsage {
  readonly totals: UsageTotals;
  readonly period: UsagePeriod;
  readonly servers?: ReadonlyArray<ServerUsage>;
}

/** 2.40: one page of servers (limit and marker); the usages cover only that page, as Nova's do. */
export interface UsagePage {
  readonly usages: TenantUsage[];
  /** The servers of the page, for the next link. */
  readonly servers: ReadonlyArray<{ readonly id: string }>;
}

/** GET /os-simple-tenant-usage: every project with a server in the period, in project order. */
export async function listUsages(deps: ComputeDeps, q: UsageQuery): Promise<TenantUsage[]> {
  const now = deps.clock();
  const period = usagePeriod(q, now);
  const window = windowOf(period);
  if (!wantsDetail(q)) {
    const totals = await usageTotals(deps.store.db, deps.store.traits.name, window);
    return totals.map((t) => ({ totals: t, period }));
  }
  return groupByProject(await serverUsageRows(deps.store.db, deps.store.traits.name, window), period, now);
}

/** GET /os-simple-tenant-usage/{tenant_id}: always detailed; undefined when nothing ran. */
export async function showUsage(
  deps: ComputeDeps,
  projectId: string,
  q: UsageQuery,
): Promise<TenantUsage | undefined> {
  const now = deps.clock();
  const period = usagePeriod(q, now);
  const rows = await serverUsageRows(deps.store.db, deps.store.traits.name, {
    ...windowOf(period),
    projectId,
  });
  return groupByProject(rows, period, now)[0];
}

/**
 * 2.40: a page of the usage list (project given: of its show). Totals sum the page's
 * servers only; server_usages stay out of the list unless detailed.
 */
export async function usagePage(
  deps: ComputeDeps,
  q: UsageQuery,
  page: PageRequest,
  projectId?: string,
): Promise<UsagePage> {
  const now = deps.clock();
  const period = usagePeriod(q, now);
  const after = page.marker === undefined ? undefined : await usageMarker(deps.store.db, page.marker);
  if (page.marker !== undefined && after === undefined) throw keypairMarkerNotFound(page.marker);
  const rows = await serverUsageRows(deps.store.db, deps.store.traits.name, {
    ...windowOf(period),
    limit: page.limit,
    projectId,
    after,
  });
  const usages = groupByProject(rows, period, now);
  const detailed = projectId !== undefined || wantsDetail(q);
  return {
    usages: detailed ? usages : usages.map(({ totals }) => ({ totals, period })),
    servers: rows,
  };
}

function windowOf(p: UsagePeriod): UsageWindow {
  return { startUs: p.start.us, stopUs: p.stop.us, limit: maxServers };
}

/** Rows arrive in project order, each carrying its project's totals. */
function groupByProject(rows: ReadonlyArray<ServerUsageRow>, period: UsagePeriod, now: Date): TenantUsage[] {
  const byProject = new Map<string, { totals: UsageTotals; servers: ServerUsage[] }>();
  for (const r of rows) {
    let entry = byProject.get(r.projectId);
    if (entry === undefined) byProject.set(r.projectId, (entry = { totals: r.totals, servers: [] }));
    entry.servers.push(serverUsage(r, now));
  }
  return [...byProject.values()].map((e) => ({ ...e, period }));
}

function serverUsage(r: ServerUsageRow, now: Date): ServerUsage {
  const launched = Date.parse(r.launchedAt);
  const until = r.terminatedAt === null ? now.getTime() : Date.parse(r.terminatedAt);
  return {
    instanceId: r.id,
    name: r.name,
    projectId: r.projectId,
    hours: r.hours,
    flavorName: parseJson<{ name?: string }>(r.flavor, {}).name ?? '',
    memoryMb: r.memoryMb,
    localGb: r.localGb,
    vcpus: r.vcpus,
    startedAt: r.launchedAt,
    endedAt: r.terminatedAt,
    state: r.terminatedAt === null ? r.vmState : 'terminated',
    // Python's int() of timedelta.total_seconds(): truncated toward zero.
    uptimeSec: Math.trunc((until - launched) / 1000),
  };
}
