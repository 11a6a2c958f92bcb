import type { Expression, ExpressionBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { flag } from '../../db/row-codec.js';
import type { ImageCaller } from '../image-deps.js';
import type { ImageListQuery, SortKey, SortTerm } from './image-list-query.js';
import type { Image } from './image-store.js';
import { withDetails } from './image-store.js';
import type { Db } from '../../db/db-handle.js';

type ImageQuery = SelectQueryBuilder<Database, 'images', object>;
type Eb = ExpressionBuilder<Database, 'images'>;

// NULLs sort as Glance's defaults ('' and 0) so both databases order, and page, the same way.
const sortDefaults: Readonly<Record<SortKey, string | number>> = {
  name: '',
  status: '',
  container_format: '',
  disk_format: '',
  size: 0,
  id: '',
  created_at: '',
  updated_at: '',
};

/** A page of images the caller may list, filtered, sorted and cut at the marker in SQL. */
export async function listImages(
  db: Db,
  caller: ImageCaller,
  query: ImageListQuery,
  marker: Image | undefined,
): Promise<Image[]> {
  let q: ImageQuery = db.selectFrom('images').where('status', 'not in', ['killed', 'deleted']);
  q = q.where((eb) => visibleTo(eb, caller, query));
  q = applyFilters(q, query);
  const sort = withTiebreakers(query.sort);
  if (marker !== undefined) q = q.where((eb) => after(eb, sort, marker));
  for (const term of sort) q = q.orderBy(sortColumn(term.key), term.dir);
  const rows = await q.selectAll().limit(query.limit).execute();
  return withDetails(db, rows);
}

/** Glance's union: public and community, the caller's own, and shared images it is a member of. */
function visibleTo(eb: Eb, caller: ImageCaller, query: ImageListQuery): Expression<SqlBool> {
  const project = caller.projectId ?? null;
  const community =
    query.visibility === undefined
      ? // Community images are listed only when asked for, or to their owner.
        eb.or([eb('visibility', '!=', 'community'), ...(project ? [eb('owner', '=', project)] : [])])
      : query.visibility === 'all'
        ? eb.lit(true)
        : eb('visibility', '=', query.visibility);
  if (caller.isAdmin) return community;
  const scopes = [eb('visibility', 'in', ['public', 'community'])];
  if (project !== null) {
    scopes.push(eb('owner', '=', project));
    scopes.push(eb.and([eb('visibility', '=', 'shared'), eb.exists(membership(eb, project, query))]));
  }
  return eb.and([eb.or(scopes), community]);
}

function membership(eb: Eb, project: string, query: ImageListQuery) {
  let m = eb
    .selectFrom('image_members')
    .select('image_members.image_id')
    .whereRef('image_members.image_id', '=', 'images.id')
    .where('image_members.member_id', '=', project);
  if (query.memberStatus !== 'all') m = m.where('image_members.status', '=', query.memberStatus);
  return m;
}

function applyFilters(q: ImageQuery, f: ImageListQuery): ImageQuery {
  q = q.where('os_hidden', '=', flag(f.osHidden));
  if (f.protected !== undefined) q = q.where('protected', '=', flag(f.protected));
  for (const l of f.lists) q = q.where(l.column, 'in', l.values.length > 0 ? [...l.values] : ['']);
  for (const n of f.numbers) q = q.where(n.column, n.op, n.value);
  for (const t of f.times) q = q.where(t.column, t.op, t.value);
  for (const [column, value] of Object.entries(f.equals)) {
    q = q.where(column as 'owner' | 'checksum' | 'os_hash_value', '=', value);
  }
  for (const tag of f.tags) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('image_tags')
          .select('image_tags.image_id')
          .whereRef('image_tags.image_id', '=', 'images.id')
          .where('image_tags.value', '=', tag),
      ),
    );
  }
  for (const [name, value] of Object.entries(f.properties)) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('image_properties')
          .select('image_properties.image_id')
          .whereRef('image_properties.image_id', '=', 'images.id')
          .where('image_properties.name', '=', name)
          .where('image_properties.value', '=', value),
      ),
    );
  }
  return q;
}

/**
 * Glance appends created_at and id so every order is total and a marker is unambiguous,
 * in the one direction the caller gave, else descending.
 */
export function withTiebreakers(sort: ReadonlyArray<SortTerm>): SortTerm[] {
  const dirs = new Set(sort.map((t) => t.dir));
  const dir = dirs.size === 1 ? sort[0]!.dir : 'desc';
  const out = [...sort];
  for (const key of ['created_at', 'id'] as const)
    if (!out.some((t) => t.key === key)) out.push({ key, dir });
  return out;
}

function sortColumn(key: SortKey) {
  return sql<string | number>`coalesce(${sql.ref(`images.${key}`)}, ${sortDefaults[key]})`;
}

/** Rows strictly after the marker in the sort order: (k1 > m1) or (k1 = m1 and k2 > m2) or ... */
function after(eb: Eb, sort: ReadonlyArray<SortTerm>, marker: Image): Expression<SqlBool> {
  const values = sort.map((t) => markerValue(marker, t.key) ?? sortDefaults[t.key]);
  return eb.or(
    sort.map((term, i) =>
      eb.and([
        ...sort.slice(0, i).map((prev, j) => eb(sortColumn(prev.key), '=', values[j]!)),
        eb(sortColumn(term.key), term.dir === 'asc' ? '>' : '<', values[i]!),
      ]),
    ),
  );
}

function markerValue(m: Image, key: SortKey): string | number | null {
  const byKey: Readonly<Record<SortKey, string | number | null>> = {
    name: m.name,
    status: m.status,
    container_format: m.containerFormat,
    disk_format: m.diskFormat,
    size: m.size,
    id: m.id,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
  return byKey[key];
}
