import type { Kysely, Transaction, Updateable } from 'kysely';
import { deleteIfGeneration, updateIfGeneration } from '../../db/generation-cas.js';
import type { Database } from '../../db/schema.js';
import type { SnapshotStatus, VolumeSnapshotTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A snapshot as the service reads it (metadata parsed). */
export interface SnapshotRecord {
  readonly id: string;
  readonly volumeId: string;
  readonly projectId: string;
  readonly userId: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly size: number;
  readonly status: SnapshotStatus;
  readonly metadata: Readonly<Record<string, string>>;
  readonly generation: number;
  readonly createdAt: string;
  readonly updatedAt: string | null;
  /** The status is one an admin's os-reset_status set: the reconciler leaves it alone. */
  readonly statusReset: boolean;
}

function toRecord(r: VolumeSnapshotTable): SnapshotRecord {
  return {
    id: r.id,
    volumeId: r.volume_id,
    projectId: r.project_id,
    userId: r.user_id,
    name: r.name,
    description: r.description,
    size: r.size,
    status: r.status,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    generation: r.generation,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    statusReset: r.status_reset === 1,
  };
}

export async function insertSnapshot(
  db: Db,
  s: Omit<SnapshotRecord, 'generation' | 'updatedAt' | 'statusReset'>,
): Promise<void> {
  await db
    .insertInto('volume_snapshots')
    .values({
      id: s.id,
      volume_id: s.volumeId,
      project_id: s.projectId,
      user_id: s.userId,
      name: s.name,
      description: s.description,
      size: s.size,
      status: s.status,
      metadata: JSON.stringify(s.metadata),
      generation: 0,
      created_at: s.createdAt,
      updated_at: null,
      status_reset: 0,
    })
    .execute();
}

export async function getSnapshot(db: Db, id: string): Promise<SnapshotRecord | undefined> {
  const r = await db.selectFrom('volume_snapshots').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export interface SnapshotListFilter {
  /** Undefined: every project (admins with all_tenants). */
  readonly projectId?: string;
  readonly volumeId?: string;
  readonly name?: string;
  readonly status?: string;
}

export type SnapshotSortKey = 'created_at' | 'updated_at' | 'id' | 'name' | 'size' | 'status';

export async function listSnapshots(
  db: Db,
  f: SnapshotListFilter,
  sort: ReadonlyArray<{ readonly key: SnapshotSortKey; readonly dir: 'asc' | 'desc' }>,
): Promise<SnapshotRecord[]> {
  let q = db.selectFrom('volume_snapshots').selectAll();
  if (f.projectId !== undefined) q = q.where('project_id', '=', f.projectId);
  if (f.volumeId !== undefined) q = q.where('volume_id', '=', f.volumeId);
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.status !== undefined) q = q.where('status', '=', f.status as SnapshotStatus);
  for (const s of sort) q = q.orderBy(s.key, s.dir);
  if (!sort.some((s) => s.key === 'id')) q = q.orderBy('id', 'desc');
  return (await q.execute()).map(toRecord);
}

export async function snapshotsOfVolume(db: Db, volumeId: string): Promise<SnapshotRecord[]> {
  return listSnapshots(db, { volumeId }, [{ key: 'created_at', dir: 'asc' }]);
}

/** Snapshots the reconciler works on: in these statuses, unless an admin's reset set the status. */
export async function listSnapshotIdsIn(db: Db, statuses: ReadonlyArray<SnapshotStatus>): Promise<string[]> {
  const rows = await db
    .selectFrom('volume_snapshots')
    .select('id')
    .where('status', 'in', statuses)
    .where('status_reset', '=', 0)
    .execute();
  return rows.map((r) => r.id);
}

/** Compare-and-set on generation; a new status ends an admin's reset unless it is one. */
export function updateSnapshotIf(
  db: Db,
  id: string,
  generation: number,
  set: Omit<Updateable<VolumeSnapshotTable>, 'id' | 'generation'>,
  now: string,
): Promise<boolean> {
  const reset = set.status !== undefined && set.status_reset === undefined ? { status_reset: 0 } : {};
  return updateIfGeneration(db, 'volume_snapshots', id, generation, { ...set, ...reset }, now);
}

export function deleteSnapshotIf(db: Db, id: string, generation: number): Promise<boolean> {
  return deleteIfGeneration(db, 'volume_snapshots', id, generation);
}

/** Count and total GiB of a project's snapshots (quota usage). */
export async function projectSnapshotUsage(
  db: Db,
  projectId: string,
): Promise<{ snapshots: number; gigabytes: number }> {
  const r = await db
    .selectFrom('volume_snapshots')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('gb')])
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return { snapshots: Number(r?.n ?? 0), gigabytes: Number(r?.gb ?? 0) };
}
