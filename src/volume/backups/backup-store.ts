import type { Kysely, Transaction, Updateable } from 'kysely';
import { deleteIfGeneration, updateIfGeneration } from '../../db/generation-cas.js';
import type { Database } from '../../db/schema.js';
import type { BackupStatus, VolumeBackupTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A backup as the service reads it (metadata parsed). */
export interface BackupRecord {
  readonly id: string;
  readonly volumeId: string;
  readonly projectId: string;
  readonly userId: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly size: number;
  readonly objectCount: number;
  readonly container: string | null;
  readonly availabilityZone: string;
  readonly status: BackupStatus;
  readonly failReason: string | null;
  readonly parentId: string | null;
  readonly snapshotId: string | null;
  readonly dataTimestamp: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly restoreVolumeId: string | null;
  readonly generation: number;
  readonly createdAt: string;
  readonly updatedAt: string | null;
}

function toRecord(r: VolumeBackupTable): BackupRecord {
  return {
    id: r.id,
    volumeId: r.volume_id,
    projectId: r.project_id,
    userId: r.user_id,
    name: r.name,
    description: r.description,
    size: r.size,
    objectCount: r.object_count,
    container: r.container,
    availabilityZone: r.availability_zone,
    status: r.status,
    failReason: r.fail_reason,
    parentId: r.parent_id,
    snapshotId: r.snapshot_id,
    dataTimestamp: r.data_timestamp,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    restoreVolumeId: r.restore_volume_id,
    generation: r.generation,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function insertBackup(
  db: Db,
  b: Omit<BackupRecord, 'generation' | 'updatedAt' | 'restoreVolumeId' | 'failReason' | 'objectCount'>,
): Promise<void> {
  await db
    .insertInto('volume_backups')
    .values({
      id: b.id,
      volume_id: b.volumeId,
      project_id: b.projectId,
      user_id: b.userId,
      name: b.name,
      description: b.description,
      size: b.size,
      object_count: 0,
      container: b.container,
      availability_zone: b.availabilityZone,
      status: b.status,
      fail_reason: null,
      parent_id: b.parentId,
      snapshot_id: b.snapshotId,
      data_timestamp: b.dataTimestamp,
      metadata: JSON.stringify(b.metadata),
      restore_volume_id: null,
      generation: 0,
      created_at: b.createdAt,
      updated_at: null,
    })
    .execute();
}

export async function getBackup(db: Db, id: string): Promise<BackupRecord | undefined> {
  const r = await db.selectFrom('volume_backups').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export interface BackupListFilter {
  /** Undefined: every project (admins with all_tenants). */
  readonly projectId?: string;
  readonly volumeId?: string;
  readonly name?: string;
  readonly status?: string;
}

export type BackupSortKey = 'created_at' | 'updated_at' | 'id' | 'name' | 'size' | 'status';

export async function listBackups(
  db: Db,
  f: BackupListFilter,
  sort: ReadonlyArray<{ readonly key: BackupSortKey; readonly dir: 'asc' | 'desc' }>,
): Promise<BackupRecord[]> {
  let q = db.selectFrom('volume_backups').selectAll();
  if (f.projectId !== undefined) q = q.where('project_id', '=', f.projectId);
  if (f.volumeId !== undefined) q = q.where('volume_id', '=', f.volumeId);
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.status !== undefined) q = q.where('status', '=', f.status as BackupStatus);
  for (const s of sort) q = q.orderBy(s.key, s.dir);
  if (!sort.some((s) => s.key === 'id')) q = q.orderBy('id', 'desc');
  return (await q.execute()).map(toRecord);
}

/** Ids of the backups that are based on `id` (they hold references to its chunks). */
export async function dependentBackupIds(db: Db, ids: ReadonlyArray<string>): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('volume_backups')
    .select('parent_id')
    .where('parent_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.parent_id!));
}

export async function listBackupIdsIn(db: Db, statuses: ReadonlyArray<BackupStatus>): Promise<string[]> {
  const rows = await db.selectFrom('volume_backups').select('id').where('status', 'in', statuses).execute();
  return rows.map((r) => r.id);
}

/** Compare-and-set on generation; false when someone else changed the backup first. */
export function updateBackupIf(
  db: Db,
  id: string,
  generation: number,
  set: Omit<Updateable<VolumeBackupTable>, 'id' | 'generation'>,
  now: string,
): Promise<boolean> {
  return updateIfGeneration(db, 'volume_backups', id, generation, set, now);
}

export function deleteBackupIf(db: Db, id: string, generation: number): Promise<boolean> {
  return deleteIfGeneration(db, 'volume_backups', id, generation);
}

/** Count and total GiB of a project's backups (quota usage). */
export async function projectBackupUsage(
  db: Db,
  projectId: string,
): Promise<{ backups: number; gigabytes: number }> {
  const r = await db
    .selectFrom('volume_backups')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('gb')])
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return { backups: Number(r?.n ?? 0), gigabytes: Number(r?.gb ?? 0) };
}
