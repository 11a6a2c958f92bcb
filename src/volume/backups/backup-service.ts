import { InputError, NotFoundError } from '../../common/errors.js';
import type { BackupStatus } from '../../db/tables/volume-tables.js';
import { checkBackupQuota } from '../quotas/volume-quota-service.js';
import { findSnapshot } from '../snapshots/snapshot-service.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from '../volumes/volume-service.js';
import { updateVolumeIf } from '../volumes/volume-store.js';
import type { BackupListFilter, BackupRecord, BackupSortKey } from './backup-store.js';
import { dependentBackupIds, getBackup, insertBackup, listBackups, updateBackupIf } from './backup-store.js';

export function backupNotFound(id: string): NotFoundError {
  return new NotFoundError('volume.backup.not_found', `Backup ${id} could not be found.`);
}

function invalidBackup(message: string): InputError {
  return new InputError('volume.backup.invalid', `Invalid backup: ${message}`);
}

/** The caller's backup (any for admins); 404 for what the caller may not see. */
export async function findBackup(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<BackupRecord> {
  const b = await getBackup(deps.store.db, id);
  if (b === undefined || (!caller.isAdmin && b.projectId !== caller.projectId)) throw backupNotFound(id);
  return b;
}

export interface BackupCreate {
  readonly volumeId: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly container?: string | null;
  readonly incremental: boolean;
  /** Allows an in-use volume (a crash-consistent copy). */
  readonly force: boolean;
  readonly snapshotId?: string | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly availabilityZone?: string | null;
}

/** The newest available backup of the volume: an incremental's parent (Cinder's choice). */
async function latestBackup(deps: VolumeDeps, volumeId: string): Promise<BackupRecord | undefined> {
  const all = await listBackups(deps.store.db, { volumeId, status: 'available' }, [
    { key: 'created_at', dir: 'desc' },
  ]);
  return all.sort((a, b) => b.dataTimestamp.localeCompare(a.dataTimestamp))[0];
}

async function checkSource(deps: VolumeDeps, caller: VolumeCaller, req: BackupCreate) {
  const v = await findVolume(deps, caller, req.volumeId);
  if (v.status !== 'available' && v.status !== 'in-use')
    throw new InputError(
      'volume.backup.bad_volume_status',
      `Invalid volume: Volume to be backed up must be available or in-use, but the current status is "${v.status}".`,
    );
  if (v.status === 'in-use' && !req.force && !req.snapshotId)
    throw new InputError(
      'volume.backup.in_use',
      'Invalid volume: Backing up an in-use volume must use the force flag.',
    );
  if (req.snapshotId) {
    const s = await findSnapshot(deps, caller, req.snapshotId);
    if (s.volumeId !== v.id)
      throw new InputError(
        'volume.backup.snapshot_volume',
        `Invalid input received: Snapshot ${s.id} is not a snapshot of volume ${v.id}.`,
      );
    if (s.status !== 'available')
      throw new InputError(
        'volume.backup.bad_snapshot_status',
        `Invalid snapshot: Snapshot to be backed up must be available, but the current status is "${s.status}".`,
      );
  }
  return v;
}

/**
 * Records the backup as `creating` and the volume as `backing-up` in one transaction
 * (compare-and-set, so a racing attach or delete loses), then wakes the reconciler.
 */
export async function createBackup(
  deps: VolumeDeps,
  caller: VolumeCaller,
  req: BackupCreate,
): Promise<BackupRecord> {
  const az = req.availabilityZone ?? deps.availabilityZone;
  if (az !== deps.availabilityZone)
    throw new InputError(
      'volume.backup.bad_zone',
      `Invalid input received: Availability zone '${az}' is invalid.`,
    );
  const v = await checkSource(deps, caller, req);
  const parent = req.incremental ? await latestBackup(deps, v.id) : undefined;
  if (req.incremental && parent === undefined)
    throw invalidBackup('No backups available to do an incremental backup.');
  await checkBackupQuota(deps, v.projectId, v.size);
  const id = crypto.randomUUID();
  const now = deps.clock().toISOString();
  const won = await deps.store.write(async (tx) => {
    if (!req.snapshotId && !(await updateVolumeIf(tx, v.id, v.generation, { status: 'backing-up' }, now)))
      return false;
    await insertBackup(tx, {
      id,
      volumeId: v.id,
      projectId: v.projectId,
      userId: caller.userId,
      name: req.name ?? null,
      description: req.description ?? null,
      size: v.size,
      container: req.container ?? null,
      availabilityZone: az,
      status: 'creating',
      parentId: parent?.id ?? null,
      snapshotId: req.snapshotId ?? null,
      dataTimestamp: now,
      metadata: req.metadata ?? {},
      createdAt: now,
    });
    return true;
  });
  if (!won)
    throw new InputError('volume.volume.busy', `Invalid volume: Volume ${v.id} is being changed; try again.`);
  deps.wakeBackup(id);
  return findBackup(deps, caller, id);
}

export interface BackupListRequest extends BackupListFilter {
  readonly sort: ReadonlyArray<{ readonly key: BackupSortKey; readonly dir: 'asc' | 'desc' }>;
}

export async function listProjectBackups(deps: VolumeDeps, req: BackupListRequest): Promise<BackupRecord[]> {
  return listBackups(deps.store.db, req, req.sort);
}

/** Which of `backups` have incrementals based on them (has_dependent_backups). */
export async function withDependents(
  deps: VolumeDeps,
  backups: ReadonlyArray<BackupRecord>,
): Promise<Set<string>> {
  return dependentBackupIds(
    deps.store.db,
    backups.map((b) => b.id),
  );
}

export interface BackupUpdate {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

export async function updateBackup(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  u: BackupUpdate,
): Promise<BackupRecord> {
  return casBackup(deps, caller, id, () => ({
    ...(u.name !== undefined && { name: u.name }),
    ...(u.description !== undefined && { description: u.description }),
    ...(u.metadata !== undefined && { metadata: JSON.stringify(u.metadata) }),
  }));
}

/** Reads, checks and writes the backup until no one else changed it in between. */
async function casBackup(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  change: (b: BackupRecord) => Parameters<typeof updateBackupIf>[3],
): Promise<BackupRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const b = await findBackup(deps, caller, id);
    if (await updateBackupIf(deps.store.db, id, b.generation, change(b), deps.clock().toISOString()))
      return findBackup(deps, caller, id);
  }
  throw invalidBackup(`Backup ${id} is being changed; try again.`);
}

/**
 * Moves the backup to `deleting` (the reconciler removes its folder and row). Refused
 * while incrementals are based on it; only `force` (admins) deletes a backup in progress.
 */
export async function deleteBackup(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  force = false,
): Promise<void> {
  const allowed: ReadonlyArray<BackupStatus> = force
    ? ['available', 'error', 'creating', 'restoring']
    : ['available', 'error'];
  let before: BackupStatus = 'available';
  await casBackup(deps, caller, id, (b) => {
    if (!allowed.includes(b.status))
      throw invalidBackup(
        force
          ? 'Backup status must be available, error, creating or restoring.'
          : 'Backup status must be available or error',
      );
    before = b.status;
    return { status: 'deleting' };
  });
  // Checked after the move: an incremental picking this parent meanwhile is seen here.
  if ((await dependentBackupIds(deps.store.db, [id])).size > 0) {
    await casBackup(deps, caller, id, () => ({ status: before }));
    throw invalidBackup('Incremental backups exist for this backup.');
  }
  deps.wakeBackup(id);
}

const resettable = new Set(['available', 'error']);

/** Admin os-reset_status: only `available` or `error`, as Cinder allows for backups. */
export async function resetBackupStatus(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  status: string,
): Promise<void> {
  if (!resettable.has(status))
    throw new InputError(
      'volume.backup.bad_status',
      `Invalid input received: Invalid backup status: ${status}.`,
    );
  await casBackup(deps, caller, id, () => ({ status: status as BackupStatus }));
}
