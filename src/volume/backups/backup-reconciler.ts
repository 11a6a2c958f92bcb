import { stat } from 'node:fs/promises';
import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { attachmentsOfVolumes } from '../attachments/volume-attachment-store.js';
import type { VolumeDeps } from '../volume-deps.js';
import { getVolume, updateVolumeIf } from '../volumes/volume-store.js';
import type { BackupRecord } from './backup-store.js';
import { deleteBackupIf, getBackup, listBackupIdsIn, listBackups, updateBackupIf } from './backup-store.js';

type Db = Kysely<Database> | Transaction<Database>;
const done: ReconcileResult = {};
const again: ReconcileResult = { requeueAfterMs: 200 };

/**
 * One backup per key, level-triggered:
 *
 *   creating ─► available ─► restoring ─► available      deleting ─► (gone)
 *       └─► error                 (volume: restoring-backup ─► available | error_restoring)
 *
 * The volume is `backing-up` while any backup of it is being made. A kill -9 mid-backup
 * leaves the row `creating`: the repository drops the partial folder and starts again,
 * and the manifest (the mark of a whole backup) is written before `available`.
 */
export function backupReconciler(deps: VolumeDeps): Reconciler {
  return {
    name: 'volume-backup',
    listKeys: () => listBackupIdsIn(deps.store.db, ['creating', 'restoring', 'deleting']),
    async reconcile(id, signal) {
      const b = await getBackup(deps.store.db, id);
      if (b === undefined) return done;
      if (b.status === 'creating') return create(deps, b, signal);
      if (b.status === 'restoring') return restore(deps, b, signal);
      if (b.status === 'deleting') return remove(deps, b);
      return done;
    },
  };
}

const now = (deps: VolumeDeps) => deps.clock().toISOString();
/** Cinder's fail_reason column is 255 characters; host paths are not shown to tenants. */
const reasonOf = (what: string) => what.slice(0, 255);

async function create(deps: VolumeDeps, b: BackupRecord, signal: AbortSignal): Promise<ReconcileResult> {
  let set: Parameters<typeof updateBackupIf>[3];
  try {
    const path = b.snapshotId ? deps.pool.snapshotPathOf(b.snapshotId) : deps.pool.pathOf(b.volumeId);
    const parent = b.parentId ? await deps.backups.manifest(b.parentId) : undefined;
    if (b.parentId && parent === undefined) throw new Error('the parent backup has no manifest');
    const r = await deps.backups.backup(b.id, path, parent, signal);
    set = { status: 'available', object_count: r.objectCount, container: b.container ?? b.id };
  } catch (err) {
    if (signal.aborted) throw err;
    deps.log.error({ err, backupId: b.id }, 'volume backup failed');
    await deps.backups.discard(b.id);
    set = { status: 'error', fail_reason: reasonOf('Backup of the volume data failed.') };
  }
  // One transaction: the volume leaves backing-up exactly when the backup ends.
  const won = await deps.store.write(async (tx) => {
    if (!(await updateBackupIf(tx, b.id, b.generation, set, now(deps)))) return false;
    await settleBackedUp(deps, tx, b.volumeId);
    return true;
  });
  return won ? done : again;
}

/** Ends `backing-up` once no backup of the volume is being made: in-use if attached, else available. */
async function settleBackedUp(deps: VolumeDeps, db: Db, volumeId: string): Promise<void> {
  const v = await getVolume(db, volumeId);
  if (v?.status !== 'backing-up') return;
  const busy = await listBackups(db, { volumeId, status: 'creating' }, []);
  if (busy.length > 0) return;
  const attached = ((await attachmentsOfVolumes(db, [volumeId])).get(volumeId) ?? []).length > 0;
  const status = attached ? 'in-use' : 'available';
  // A racing writer changed the volume: the throw rolls back and the reconciler retries.
  if (!(await updateVolumeIf(db, volumeId, v.generation, { status }, now(deps))))
    throw new Error(`volume ${volumeId} changed while its backup ended`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function restore(deps: VolumeDeps, b: BackupRecord, signal: AbortSignal): Promise<ReconcileResult> {
  const volumeId = b.restoreVolumeId;
  const v = volumeId ? await getVolume(deps.store.db, volumeId) : undefined;
  let status: 'available' | 'error_restoring' = 'available';
  if (v !== undefined && v.status === 'restoring-backup') {
    try {
      // A new target (never updated) has no file yet, or a partial one from a crash: recreated.
      const path = deps.pool.pathOf(v.id);
      if (v.updatedAt === null || !(await exists(path))) await deps.pool.create(v.id, v.size, signal);
      await deps.backups.restore(b.id, path, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      deps.log.error({ err, backupId: b.id, volumeId }, 'backup restore failed');
      status = 'error_restoring';
    }
    await updateVolumeIf(deps.store.db, v.id, v.generation, { status }, now(deps));
  }
  const set = { status: 'available' as const, restore_volume_id: null };
  return (await updateBackupIf(deps.store.db, b.id, b.generation, set, now(deps))) ? done : again;
}

async function remove(deps: VolumeDeps, b: BackupRecord): Promise<ReconcileResult> {
  await deps.backups.discard(b.id);
  // A force delete of a backup in progress must not leave its volume backing-up or restoring.
  const won = await deps.store.write(async (tx) => {
    if (!(await deleteBackupIf(tx, b.id, b.generation))) return false;
    await settleBackedUp(deps, tx, b.volumeId);
    return true;
  });
  if (!won) return again;
  const target = b.restoreVolumeId ? await getVolume(deps.store.db, b.restoreVolumeId) : undefined;
  if (target?.status === 'restoring-backup')
    await updateVolumeIf(
      deps.store.db,
      target.id,
      target.generation,
      { status: 'error_restoring' },
      now(deps),
    );
  return done;
}
