import type { Expression, ExpressionBuilder, Selectable, SqlBool } from 'kysely';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { Database, FlavorTable } from '../../db/schema.js';
import type { Db } from '../../db/db-handle.js';
import { prepareQuery } from '../../db/prepared-query.js';

export interface Flavor {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
  readonly ephemeral: number;
  readonly swap: number;
  readonly rxtxFactor: number;
  readonly isPublic: boolean;
  readonly disabled: boolean;
  readonly description: string | null;
  readonly extraSpecs: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

/** Which flavors a caller may see: `projectId` adds private flavors shared with that project. */
export interface FlavorVisibility {
  /** true: public (plus shared with projectId); false: private only; null: all. */
  readonly isPublic: boolean | null;
  readonly projectId?: string;
  readonly enabledOnly?: boolean;
}

export interface FlavorFilter extends FlavorVisibility {
  readonly minRam?: number;
  readonly minDisk?: number;
}

export type FlavorColumn = 'id' | 'name' | 'vcpus' | 'ram' | 'disk' | 'ephemeral' | 'swap' | 'rxtx_factor';
export type SortableColumn = FlavorColumn | 'is_public' | 'disabled' | 'description' | 'created_at';

export interface FlavorPage {
  readonly sortColumn: SortableColumn;
  readonly sortDir: 'asc' | 'desc';
  readonly limit: number;
  /** The last flavor of the previous page. */
  readonly after?: Flavor;
}

type Eb = ExpressionBuilder<Database, 'flavors'>;

const toFlavor = (r: Readonly<Selectable<FlavorTable>>): Flavor => ({
  id: r.id,
  name: r.name,
  vcpus: r.vcpus,
  ram: r.ram,
  disk: r.disk,
  ephemeral: r.ephemeral,
  swap: r.swap,
  rxtxFactor: Number(r.rxtx_factor),
  isPublic: isSet(r.is_public),
  disabled: isSet(r.disabled),
  description: r.description,
  extraSpecs: parseJson(r.extra_specs, {}),
  createdAt: r.created_at,
});

/** Public flavors, plus private ones shared with the project (Nova's `is_public=True` rule). */
function visible(eb: Eb, v: FlavorVisibility): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (v.isPublic === false) parts.push(eb('is_public', '=', 0));
  if (v.isPublic === true) {
    const isPublic = eb('is_public', '=', 1);
    const projectId = v.projectId;
    parts.push(
      projectId === undefined
        ? isPublic
        : eb.or([
            isPublic,
            eb(
              'id',
              'in',
              eb.selectFrom('flavor_projects').select('flavor_id').where('project_id', '=', projectId),
            ),
          ]),
    );
  }
  if (v.enabledOnly === true) parts.push(eb('disabled', '=', 0));
  return eb.and(parts);
}

export const flavorById = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('flavors').selectAll().where('id', '=', p.id),
);

export async function getFlavor(db: Db, id: string, v?: FlavorVisibility): Promise<Flavor | undefined> {
  if (v === undefined) {
    const r = await flavorById.first(db, { id });
    return r && toFlavor(r);
  }
  const r = await db
    .selectFrom('flavors')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => visible(eb, v))
    .executeTakeFirst();
  return r && toFlavor(r);
}

export async function getFlavorByName(db: Db, name: string): Promise<Flavor | undefined> {
  const r = await db.selectFrom('flavors').selectAll().where('name', '=', name).executeTakeFirst();
  return r && toFlavor(r);
}

/** One page, ordered by the sort column then id; `after` continues past the previous page (keyset). */
export async function listFlavors(db: Db, f: FlavorFilter, page: FlavorPage): Promise<Flavor[]> {
  const col = page.sortColumn;
  let q = db
    .selectFrom('flavors')
    .selectAll()
    .where((eb) => visible(eb, f))
    .orderBy(col, page.sortDir)
    .orderBy('id', page.sortDir)
    .limit(page.limit);
  if (f.minRam !== undefined) q = q.where('ram', '>=', f.minRam);
  if (f.minDisk !== undefined) q = q.where('disk', '>=', f.minDisk);
  const after = page.after;
  if (after !== undefined) {
    const op = page.sortDir === 'asc' ? '>' : '<';
    const value = sortValue(after, col);
    // Only description can be NULL, and it stays NULL before microversion 2.55, so the
    // dialects' different NULL ordering never splits a page.
    q = q.where((eb) =>
      value === null
        ? eb.or([eb(col, 'is not', null), eb.and([eb(col, 'is', null), eb('id', op, after.id)])])
        : eb.or([eb(col, op, value), eb.and([eb(col, '=', value), eb('id', op, after.id)])]),
    );
  }
  return (await q.execute()).map(toFlavor);
}

function sortValue(f: Flavor, col: SortableColumn): string | number | null {
  const row = toRow(f);
  return col === 'created_at' ? f.createdAt : row[col];
}

export async function insertFlavor(db: Db, f: Flavor): Promise<void> {
  await db
    .insertInto('flavors')
    .values({ ...toRow(f), created_at: f.createdAt })
    .execute();
}

/** Returns false when no such flavor existed. Access rows go with it (ON DELETE CASCADE). */
export async function deleteFlavor(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('flavor_projects').where('flavor_id', '=', id).execute();
  const r = await db.deleteFrom('flavors').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** False when no such flavor exists. */
export async function setDescription(db: Db, id: string, description: string | null): Promise<boolean> {
  const r = await db.updateTable('flavors').set({ description }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function setExtraSpecs(
  db: Db,
  id: string,
  specs: Readonly<Record<string, string>>,
): Promise<void> {
  await db
    .updateTable('flavors')
    .set({ extra_specs: JSON.stringify(specs) })
    .where('id', '=', id)
    .execute();
}

export async function listFlavorProjects(db: Db, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom('flavor_projects')
    .select('project_id')
    .where('flavor_id', '=', id)
    .orderBy('project_id')
    .execute();
  return rows.map((r) => r.project_id);
}

export async function addFlavorProject(db: Db, id: string, projectId: string): Promise<void> {
  await db.insertInto('flavor_projects').values({ flavor_id: id, project_id: projectId }).execute();
}

/** Returns false when the project had no access. */
export async function removeFlavorProject(db: Db, id: string, projectId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('flavor_projects')
    .where('flavor_id', '=', id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

function toRow(f: Flavor) {
  return {
    id: f.id,
    name: f.name,
    vcpus: f.vcpus,
    ram: f.ram,
    disk: f.disk,
    ephemeral: f.ephemeral,
    swap: f.swap,
    rxtx_factor: f.rxtxFactor,
    is_public: flag(f.isPublic),
    disabled: flag(f.disabled),
    description: f.description,
    extra_specs: JSON.stringify(f.extraSpecs),
  };
}
