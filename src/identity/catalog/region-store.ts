import type { RegionTable } from '../../db/schema.js';
import { parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

export interface Region {
  readonly id: string;
  readonly description: string;
  readonly parentRegionId: string | null;
  readonly extra: Readonly<Record<string, unknown>>;
}

const columns = ['id', 'description', 'parent_region_id', 'extra'] as const;

const toRegion = (r: Readonly<RegionTable>): Region => ({
  id: r.id,
  description: r.description,
  parentRegionId: r.parent_region_id,
  extra: parseJson(r.extra, {}),
});

const toRow = (r: Region): RegionTable => ({
  id: r.id,
  description: r.description,
  parent_region_id: r.parentRegionId,
  extra: JSON.stringify(r.extra),
});

export async function getRegion(db: Db, id: string): Promise<Region | undefined> {
  const r = await db.selectFrom('regions').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toRegion(r);
}

export async function listRegions(db: Db, f: { parentRegionId?: string }): Promise<Region[]> {
  let q = db.selectFrom('regions').select(columns).orderBy('id');
  if (f.parentRegionId !== undefined) q = q.where('parent_region_id', '=', f.parentRegionId);
  return (await q.execute()).map(toRegion);
}

export async function insertRegion(db: Db, r: Region): Promise<void> {
  await db.insertInto('regions').values(toRow(r)).execute();
}

export async function updateRegion(db: Db, r: Region): Promise<void> {
  await db.updateTable('regions').set(toRow(r)).where('id', '=', r.id).execute();
}

export async function listChildIds(db: Db, ids: ReadonlyArray<string>): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('regions').select('id').where('parent_region_id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

export async function countEndpointsIn(db: Db, regionIds: ReadonlyArray<string>): Promise<number> {
  if (regionIds.length === 0) return 0;
  const r = await db
    .selectFrom('endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('region_id', 'in', regionIds)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Deletes in the order given; callers pass children before parents. */
export async function deleteRegions(db: Db, ids: ReadonlyArray<string>): Promise<void> {
  for (const id of ids) await db.deleteFrom('regions').where('id', '=', id).execute();
}
