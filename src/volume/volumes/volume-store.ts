import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { deleteIfGeneration, updateIfGeneration } from '../../db/generation-cas.js';
import type { Database } from '../../db/schema.js';
import type { VolumeStatus, VolumeTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;
type VolumeRow = Selectable<VolumeTable> & {
  readonly volume_type_name: string | null;
  readonly volume_type_extra_specs: string | null;
};

/** Cinder's boolean extra-spec syntax for multiattach types. */
export function specSaysMultiattach(specs: Readonly<Record<string, string | null>>): boolean {
  return /^<is>\s*true$/i.test(specs['multiattach'] ?? '');
}

/** A volume as the service reads it (metadata parsed). */
export interface VolumeRecord {
  readonly id: string;
  readonly projectId: string;
  readonly userId: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly size: number;
  readonly status: VolumeStatus;
  readonly availabilityZone: string;
  readonly volumeTypeId: string;
  /** The type's name now (Cinder shows the current name of the volume's type). */
  readonly volumeTypeName: string | null;
  readonly snapshotId: string | null;
  readonly sourceVolid: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** From the type's `multiattach="<is> True"` extra spec (a type in use keeps its specs). */
  readonly multiattach: boolean;
  readonly generation: number;
  readonly createdAt: string;
  readonly updatedAt: string | null;
  readonly bootable: boolean;
  /** The image the volume is made from, while it is being made (and after, for the record). */
  readonly imageId: string | null;
  /** Cinder's volume_image_metadata: what the image said of itself. */
  readonly imageMetadata: Readonly<Record<string, string>>;
  /** The image being filled from the volume while it is `uploading`. */
  readonly uploadImageId: string | null;
  /** Cinder's admin metadata (`readonly`). */
  readonly adminMetadata: Readonly<Record<string, string>>;
  readonly migrationStatus: string | null;
  /** The status is one an admin's os-reset_status set: the reconciler leaves it alone. */
  readonly statusReset: boolean;
}

function toRecord(r: VolumeRow): VolumeRecord {
  return {
    id: r.id,
    projectId: r.project_id,
    userId: r.user_id,
    name: r.name,
    description: r.description,
    size: r.size,
    status: r.status,
    availabilityZone: r.availability_zone,
    volumeTypeId: r.volume_type_id,
    volumeTypeName: r.volume_type_name,
    snapshotId: r.snapshot_id,
    sourceVolid: r.source_volid,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    multiattach: specSaysMultiattach(
      JSON.parse(r.volume_type_extra_specs ?? '{}') as Record<string, string | null>,
    ),
    generation: r.generation,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    bootable: r.bootable === 1,
    imageId: r.image_id,
    imageMetadata: JSON.parse(r.image_metadata) as Record<string, string>,
    uploadImageId: r.upload_image_id,
    adminMetadata: JSON.parse(r.admin_metadata) as Record<string, string>,
    migrationStatus: r.migration_status,
    statusReset: r.status_reset === 1,
  };
}

export async function insertVolume(
  db: Db,
  v: Omit<
    VolumeRecord,
    | 'generation'
    | 'updatedAt'
    | 'volumeTypeName'
    | 'multiattach'
    | 'uploadImageId'
    | 'adminMetadata'
    | 'migrationStatus'
    | 'statusReset'
  >,
): Promise<void> {
  await db
    .insertInto('volumes')
    .values({
      id: v.id,
      project_id: v.projectId,
      user_id: v.userId,
      name: v.name,
      description: v.description,
      size: v.size,
      status: v.status,
      availability_zone: v.availabilityZone,
      volume_type_id: v.volumeTypeId,
      snapshot_id: v.snapshotId,
      source_volid: v.sourceVolid,
      metadata: JSON.stringify(v.metadata),
      generation: 0,
      created_at: v.createdAt,
      updated_at: null,
      bootable: v.bootable ? 1 : 0,
      image_id: v.imageId,
      image_metadata: JSON.stringify(v.imageMetadata),
      upload_image_id: null,
      admin_metadata: '{}',
      migration_status: null,
      status_reset: 0,
    })
    .execute();
}

/** Volumes with their type's current name. */
function selectVolumes(db: Db) {
  return db
    .selectFrom('volumes')
    .leftJoin('volume_types', 'volume_types.id', 'volumes.volume_type_id')
    .selectAll('volumes')
    .select(['volume_types.name as volume_type_name', 'volume_types.extra_specs as volume_type_extra_specs']);
}

export async function getVolume(db: Db, id: string): Promise<VolumeRecord | undefined> {
  const r = await selectVolumes(db).where('volumes.id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export interface VolumeListFilter {
  /** Undefined: every project (admins with all_tenants). */
  readonly projectId?: string;
  readonly name?: string;
  readonly status?: string;
}

export type VolumeSortKey = 'created_at' | 'updated_at' | 'id' | 'name' | 'size' | 'status';

/** Every matching volume in the given order (id breaks ties); metadata filters run in memory. */
export async function listVolumes(
  db: Db,
  f: VolumeListFilter,
  sort: ReadonlyArray<{ readonly key: VolumeSortKey; readonly dir: 'asc' | 'desc' }>,
): Promise<VolumeRecord[]> {
  let q = selectVolumes(db);
  if (f.projectId !== undefined) q = q.where('volumes.project_id', '=', f.projectId);
  if (f.name !== undefined) q = q.where('volumes.name', '=', f.name);
  if (f.status !== undefined) q = q.where('volumes.status', '=', f.status as VolumeStatus);
  for (const s of sort) q = q.orderBy(`volumes.${s.key}`, s.dir);
  if (!sort.some((s) => s.key === 'id')) q = q.orderBy('volumes.id', 'desc');
  return (await q.execute()).map(toRecord);
}

/** Volumes the reconciler works on: in these statuses, unless an admin's reset set the status. */
export async function listVolumeIdsIn(db: Db, statuses: ReadonlyArray<VolumeStatus>): Promise<string[]> {
  const rows = await db
    .selectFrom('volumes')
    .select('id')
    .where('status', 'in', statuses)
    .where('status_reset', '=', 0)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Compare-and-set on generation; false when someone else changed the volume first. A new
 * status ends an admin's reset (the volume is back in the ordinary flow) unless it is one.
 */
export function updateVolumeIf(
  db: Db,
  id: string,
  generation: number,
  set: Omit<Updateable<VolumeTable>, 'id' | 'generation'>,
  now: string,
): Promise<boolean> {
  const reset = set.status !== undefined && set.status_reset === undefined ? { status_reset: 0 } : {};
  return updateIfGeneration(db, 'volumes', id, generation, { ...set, ...reset }, now);
}

export function deleteVolumeIf(db: Db, id: string, generation: number): Promise<boolean> {
  return deleteIfGeneration(db, 'volumes', id, generation);
}

/** What a volume's capacity claim needs of every volume row. */
export interface VolumeClaimRow {
  readonly id: string;
  readonly projectId: string;
  readonly userId: string;
  readonly size: number;
  readonly generation: number;
}

export async function listVolumeClaims(db: Db): Promise<VolumeClaimRow[]> {
  const rows = await db
    .selectFrom('volumes')
    .select(['id', 'project_id', 'user_id', 'size', 'generation'])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    userId: r.user_id,
    size: r.size,
    generation: r.generation,
  }));
}

/** Count and total GiB of a project's volumes (quota usage). */
export async function projectUsage(
  db: Db,
  projectId: string,
): Promise<{ volumes: number; gigabytes: number }> {
  const r = await db
    .selectFrom('volumes')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('gb')])
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return { volumes: Number(r?.n ?? 0), gigabytes: Number(r?.gb ?? 0) };
}

/** Bumps the generation only (no visible change): fences racing compare-and-set writers. */
export async function fenceVolumeIf(db: Db, id: string, generation: number): Promise<boolean> {
  const r = await db
    .updateTable('volumes')
    .set({ generation: generation + 1 })
    .where('id', '=', id)
    .where('generation', '=', generation)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
