import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { VolumeTypeTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A volume type as the service reads it (extra specs parsed). */
export interface VolumeTypeRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly isPublic: boolean;
  readonly extraSpecs: Readonly<Record<string, string | null>>;
  readonly createdAt: string;
  /** The associated QoS specs (set through /qos-specs associate). */
  readonly qosSpecsId?: string | null;
}

function toRecord(r: VolumeTypeTable): VolumeTypeRecord {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    isPublic: r.is_public === 1,
    extraSpecs: JSON.parse(r.extra_specs) as Record<string, string | null>,
    createdAt: r.created_at,
    qosSpecsId: r.qos_specs_id,
  };
}

export async function insertVolumeType(db: Db, t: VolumeTypeRecord): Promise<void> {
  await db
    .insertInto('volume_types')
    .values({
      id: t.id,
      name: t.name,
      description: t.description,
      is_public: t.isPublic ? 1 : 0,
      extra_specs: JSON.stringify(t.extraSpecs),
      created_at: t.createdAt,
    })
    .execute();
}

export async function getVolumeType(db: Db, id: string): Promise<VolumeTypeRecord | undefined> {
  const r = await db.selectFrom('volume_types').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export async function getVolumeTypeByName(db: Db, name: string): Promise<VolumeTypeRecord | undefined> {
  const r = await db.selectFrom('volume_types').selectAll().where('name', '=', name).executeTakeFirst();
  return r && toRecord(r);
}

/** Every type, by name; `projectId` limits to public types and those shared with the project. */
export async function listVolumeTypes(db: Db, projectId?: string): Promise<VolumeTypeRecord[]> {
  let q = db.selectFrom('volume_types').selectAll();
  if (projectId !== undefined)
    q = q.where((eb) =>
      eb.or([
        eb('is_public', '=', 1),
        eb(
          'id',
          'in',
          eb.selectFrom('volume_type_projects').select('volume_type_id').where('project_id', '=', projectId),
        ),
      ]),
    );
  return (await q.orderBy('name').orderBy('id').execute()).map(toRecord);
}

export async function updateVolumeType(
  db: Db,
  id: string,
  set: { readonly name?: string; readonly description?: string | null; readonly isPublic?: boolean },
): Promise<void> {
  await db
    .updateTable('volume_types')
    .set({
      ...(set.name !== undefined && { name: set.name }),
      ...(set.description !== undefined && { description: set.description }),
      ...(set.isPublic !== undefined && { is_public: set.isPublic ? 1 : 0 }),
    })
    .where('id', '=', id)
    .execute();
}

export async function setExtraSpecs(
  db: Db,
  id: string,
  specs: Readonly<Record<string, string | null>>,
): Promise<void> {
  await db
    .updateTable('volume_types')
    .set({ extra_specs: JSON.stringify(specs) })
    .where('id', '=', id)
    .execute();
}

export async function deleteVolumeType(db: Db, id: string): Promise<void> {
  await db.deleteFrom('volume_types').where('id', '=', id).execute();
}

export async function typeProjects(db: Db, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom('volume_type_projects')
    .select('project_id')
    .where('volume_type_id', '=', id)
    .orderBy('project_id')
    .execute();
  return rows.map((r) => r.project_id);
}

export async function hasTypeAccess(db: Db, id: string, projectId: string): Promise<boolean> {
  const r = await db
    .selectFrom('volume_type_projects')
    .select('project_id')
    .where('volume_type_id', '=', id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return r !== undefined;
}

export async function addTypeProject(db: Db, id: string, projectId: string): Promise<void> {
  await db.insertInto('volume_type_projects').values({ volume_type_id: id, project_id: projectId }).execute();
}

/** False when the project had no access row. */
export async function removeTypeProject(db: Db, id: string, projectId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('volume_type_projects')
    .where('volume_type_id', '=', id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Whether any volume has the type (Cinder refuses to delete it or change its specs then). */
export async function typeInUse(db: Db, id: string): Promise<boolean> {
  const r = await db.selectFrom('volumes').select('id').where('volume_type_id', '=', id).executeTakeFirst();
  return r !== undefined;
}
