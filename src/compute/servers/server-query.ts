import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ServerTaskState } from '../../db/tables/compute-tables.js';
import type { Server } from './server-model.js';
import type { StatusClause } from './server-status.js';
import { toServer } from './server-store.js';
import { hasTag, withTags } from './server-tag-store.js';
import type { Db } from '../../db/db-handle.js';
import { dialectSql, type DialectName } from '../../db/dialects.js';

/** Filters GET /servers understands, already checked against the caller's rights. */
export interface ServerFilter {
  /** Undefined for an admin listing all projects. */
  readonly projectId?: string;
  readonly userId?: string;
  readonly name?: string;
  readonly vmStates?: ReadonlyArray<string>;
  /** The rendered status asked for: a server matching any clause. */
  readonly statuses?: ReadonlyArray<StatusClause>;
  readonly imageId?: string;
  readonly flavorId?: string;
  readonly host?: string;
  readonly availabilityZone?: string;
  readonly reservationId?: string;
  readonly changesSince?: string;
  readonly locked?: boolean;
  readonly tags?: ReadonlyArray<string>;
  readonly tagsAny?: ReadonlyArray<string>;
  readonly notTags?: ReadonlyArray<string>;
  readonly notTagsAny?: ReadonlyArray<string>;
  /** Include soft-deleted rows (changes-since, or admin deleted=true). */
  readonly includeDeleted: boolean;
}

export interface ServerPage {
  readonly limit: number;
  readonly marker?: Server;
  readonly sortKey:
    'created_at' | 'updated_at' | 'display_name' | 'uuid' | 'vm_state' | 'launched_at' | 'host';
  readonly sortDir: 'asc' | 'desc';
}

const sortColumns = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  display_name: 'name',
  uuid: 'id',
  vm_state: 'vm_state',
  launched_at: 'launched_at',
  host: 'host',
} as const;

/** One page of servers, keyset-paginated on (sort column, id) so deep pages stay cheap. */
export async function listServers(
  db: Db,
  dialect: DialectName,
  f: ServerFilter,
  page: ServerPage,
): Promise<Server[]> {
  const col = sortColumns[page.sortKey];
  const op = page.sortDir === 'desc' ? '<' : '>';
  let q = applyFilter(db.selectFrom('servers').selectAll(), dialect, f);
  if (page.marker) {
    const m = page.marker;
    const markerValue = col === 'id' ? m.id : (markerField(m, col) ?? '');
    q = q.where((eb) =>
      eb.or([eb(col, op, markerValue), eb.and([eb(col, '=', markerValue), eb('id', op, m.id)])]),
    );
  }
  const rows = await q.orderBy(col, page.sortDir).orderBy('id', page.sortDir).limit(page.limit).execute();
  return withTags(db, rows.map(toServer));
}

function applyFilter<O>(
  q: SelectQueryBuilder<Database, 'servers', O>,
  dialect: DialectName,
  f: ServerFilter,
) {
  if (f.projectId !== undefined) q = q.where('project_id', '=', f.projectId);
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
  if (!f.includeDeleted) q = q.where('deleted_at', 'is', null);
  if (f.vmStates !== undefined) q = q.where('vm_state', 'in', [...f.vmStates] as never);
  if (f.statuses !== undefined) q = q.where((eb) => eb.or(f.statuses!.map((c) => statusMatch(eb, c))));
  if (f.imageId !== undefined) q = q.where('image_id', '=', f.imageId);
  if (f.flavorId !== undefined) q = q.where('flavor_id', '=', f.flavorId);
  if (f.host !== undefined) q = q.where('host', '=', f.host);
  if (f.availabilityZone !== undefined) q = q.where('availability_zone', '=', f.availabilityZone);
  if (f.reservationId !== undefined) q = q.where('reservation_id', '=', f.reservationId);
  if (f.changesSince !== undefined) q = q.where('updated_at', '>=', f.changesSince);
  if (f.locked !== undefined) q = q.where('locked', '=', f.locked ? 1 : 0);
  if (f.tags !== undefined) for (const t of f.tags) q = q.where((eb) => hasTag(eb, t));
  if (f.tagsAny !== undefined) q = q.where((eb) => eb.or(f.tagsAny!.map((t) => hasTag(eb, t))));
  if (f.notTags !== undefined) q = q.where((eb) => eb.not(eb.and(f.notTags!.map((t) => hasTag(eb, t)))));
  if (f.notTagsAny !== undefined) q = q.where((eb) => eb.not(eb.or(f.notTagsAny!.map((t) => hasTag(eb, t)))));
  // Nova matches name as a regular expression (REGEXP, or `~` on PostgreSQL), unanchored.
  if (f.name !== undefined) q = q.where(dialectSql[dialect].regexMatch('name', f.name));
  return q;
}

function statusMatch(eb: ExpressionBuilder<Database, 'servers'>, c: StatusClause) {
  const parts = [eb('vm_state', '=', c.vmState)];
  // Nova's map names task states Strata never sets; they simply match no row.
  if (c.taskIn !== undefined) parts.push(eb('task_state', 'in', [...c.taskIn] as ServerTaskState[]));
  return eb.and(parts);
}

function markerField(s: Server, col: string): string | null {
  const byColumn: Record<string, string | null> = {
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    name: s.name,
    vm_state: s.vmState,
    launched_at: s.launchedAt,
    host: s.host,
  };
  return byColumn[col] ?? null;
}
