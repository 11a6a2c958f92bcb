import { sql } from 'kysely';
import { dialectSql, type DialectName } from '../../db/dialects.js';
import type { ServerVmState } from '../../db/schema.js';
import type { Db } from '../../db/db-handle.js';

/** Which servers a usage report covers. */
export interface UsageWindow {
  /** The period [start, stop) in microseconds since the epoch. */
  readonly startUs: number;
  readonly stopUs: number;
  /** One project (show), or every project (list). */
  readonly projectId?: string | undefined;
  /** At most this many servers, the first in (project, id) order, as Nova caps them at max_limit. */
  readonly limit: number;
  /** 2.40: only servers after this one in (project, id) order. */
  readonly after?: { readonly projectId: string; readonly id: string } | undefined;
}

/** A project's sums over the window: hours, and vcpus, MiB and GiB times hours. */
export interface UsageTotals {
  readonly projectId: string;
  readonly hours: number;
  readonly vcpuHours: number;
  readonly memoryMbHours: number;
  readonly localGbHours: number;
}

/** One server's share of the window, with its project's totals. */
export interface ServerUsageRow {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly vmState: ServerVmState;
  /** The embedded flavor JSON (its name is reported). */
  readonly flavor: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  /** Root plus ephemeral disk, as Nova's local_gb. */
  readonly localGb: number;
  readonly launchedAt: string;
  readonly terminatedAt: string | null;
  readonly hours: number;
  readonly totals: UsageTotals;
}

/**
 * Every server, deleted ones included, that ran during the window (Nova's
 * `instance_get_active_by_window_joined`: launched before stop, not terminated before
 * start; never launched means never counted), with the hours it ran in it (Nova's
 * `_hours_for`: from max(launched, start) to min(terminated, stop)). Hours are computed
 * from whole microseconds, as Python's timedelta does, then divided as floats.
 */
function windowRows(db: Db, dialect: DialectName, w: UsageWindow) {
  const s = dialectSql[dialect];
  const [launchUs, termUs] = [s.epochMicros('launched_at'), s.epochMicros('terminated_at')];
  let servers = db
    .selectFrom('servers')
    .select([
      'id',
      'project_id',
      'name',
      'vm_state',
      'flavor',
      'vcpus',
      'memory_mb',
      'launched_at',
      'terminated_at',
      sql<number>`root_gb + ${s.jsonInt('flavor', 'ephemeral')}`.as('local_gb'),
      launchUs.as('launch_us'),
      termUs.as('term_us'),
    ])
    .where(launchUs, '<', w.stopUs)
    .where((eb) => eb.or([eb('terminated_at', 'is', null), eb(termUs, '>', w.startUs)]));
  if (w.projectId !== undefined) servers = servers.where('project_id', '=', w.projectId);
  const after = w.after;
  if (after !== undefined)
    servers = servers.where((eb) =>
      eb.or([
        eb('project_id', '>', after.projectId),
        eb.and([eb('project_id', '=', after.projectId), eb('id', '>', after.id)]),
      ]),
    );
  const capped = servers.orderBy('project_id').orderBy('id').limit(w.limit);
  const until = sql`(case when w.term_us is null or w.term_us > ${w.stopUs} then ${w.stopUs} else w.term_us end)`;
  const from = sql`(case when w.launch_us > ${w.startUs} then w.launch_us else ${w.startUs} end)`;
  return db
    .selectFrom(capped.as('w'))
    .selectAll('w')
    .select(sql<number>`cast(${until} - ${from} as double precision) / 1000000.0 / 3600.0`.as('hours'));
}

/** Per project, in project order: what its servers used in the window. */
export async function usageTotals(db: Db, dialect: DialectName, w: UsageWindow): Promise<UsageTotals[]> {
  const rows = await db
    .selectFrom(windowRows(db, dialect, w).as('u'))
    .select([
      'u.project_id',
      sql<number>`sum(u.hours)`.as('hours'),
      sql<number>`sum(u.vcpus * u.hours)`.as('vcpu_hours'),
      sql<number>`sum(u.memory_mb * u.hours)`.as('memory_mb_hours'),
      sql<number>`sum(u.local_gb * u.hours)`.as('local_gb_hours'),
    ])
    .groupBy('u.project_id')
    .orderBy('u.project_id')
    .execute();
  return rows.map((r) => ({
    projectId: r.project_id,
    hours: Number(r.hours),
    vcpuHours: Number(r.vcpu_hours),
    memoryMbHours: Number(r.memory_mb_hours),
    localGbHours: Number(r.local_gb_hours),
  }));
}

/** Each server's usage in (project, id) order, its project's sums beside it (one statement, one snapshot). */
export async function serverUsageRows(
  db: Db,
  dialect: DialectName,
  w: UsageWindow,
): Promise<ServerUsageRow[]> {
  const perProject = (expr: string) => sql<number>`sum(${sql.raw(expr)}) over (partition by u.project_id)`;
  const rows = await db
    .selectFrom(windowRows(db, dialect, w).as('u'))
    .select([
      'u.id',
      'u.project_id',
      'u.name',
      'u.vm_state',
      'u.flavor',
      'u.vcpus',
      'u.memory_mb',
      'u.local_gb',
      'u.launched_at',
      'u.terminated_at',
      'u.hours',
      perProject('u.hours').as('total_hours'),
      perProject('u.vcpus * u.hours').as('vcpu_hours'),
      perProject('u.memory_mb * u.hours').as('memory_mb_hours'),
      perProject('u.local_gb * u.hours').as('local_gb_hours'),
    ])
    .orderBy('u.project_id')
    .orderBy('u.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    vmState: r.vm_state,
    flavor: r.flavor,
    vcpus: Number(r.vcpus),
    memoryMb: Number(r.memory_mb),
    localGb: Number(r.local_gb),
    launchedAt: r.launched_at!,
    terminatedAt: r.terminated_at,
    hours: Number(r.hours),
    totals: {
      projectId: r.project_id,
      hours: Number(r.total_hours),
      vcpuHours: Number(r.vcpu_hours),
      memoryMbHours: Number(r.memory_mb_hours),
      localGbHours: Number(r.local_gb_hours),
    },
  }));
}

/** The server a 2.40 marker names, deleted ones included (as Nova looks it up); undefined when none. */
export async function usageMarker(
  db: Db,
  id: string,
): Promise<{ projectId: string; id: string } | undefined> {
  const row = await db
    .selectFrom('servers')
    .select(['id', 'project_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { projectId: row.project_id, id: row.id };
}
