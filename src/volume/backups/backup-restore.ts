import { InputError } from '../../common/errors.js';
import { checkVolumeQuota } from '../quotas/volume-quota-service.js';
import { defaultVolumeType } from '../types/volume-type-service.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from '../volumes/volume-service.js';
import { insertVolume, updateVolumeIf } from '../volumes/volume-store.js';
import { retryClaimRaces } from '../capacity/backend-capacity.js';
import { findBackup } from './backup-service.js';
import { updateBackupIf } from './backup-store.js';

export interface RestoreRequest {
  /** The volume to overwrite; a new volume of the backup's size when absent. */
  readonly volumeId?: string | null;
  /** The new volume's name (Cinder: `restore_backup_<backup id>` by default). */
  readonly name?: string | null;
}

const busy = (volumeId: string) =>
  new InputError('volume.volume.busy', `Invalid volume: Volume ${volumeId} is being changed; try again.`);

export interface RestoreResult {
  readonly backupId: string;
  readonly volumeId: string;
  readonly volumeName: string | null;
}

async function targetVolume(deps: VolumeDeps, caller: VolumeCaller, volumeId: string, backupSize: number) {
  const v = await findVolume(deps, caller, volumeId);
  if (v.status !== 'available')
    throw new InputError(
      'volume.backup.restore_status',
      'Invalid volume: Volume to be restored to must be available',
    );
  if (v.size < backupSize)
    throw new InputError(
      'volume.backup.restore_size',
      `Invalid volume: volume size ${v.size} is too small to restore backup of size ${backupSize}.`,
    );
  return v;
}

/**
 * Moves the backup to `restoring` and the target volume to `restoring-backup` in one
 * transaction; a new target is inserted already in `restoring-backup` (the backup
 * reconciler makes its file), so no other reconciler touches it meanwhile.
 */
export async function restoreBackup(
  deps: VolumeDeps,
  caller: VolumeCaller,
  backupId: string,
  req: RestoreRequest,
): Promise<RestoreResult> {
  const b = await findBackup(deps, caller, backupId);
  if (b.status !== 'available')
    throw new InputError('volume.backup.invalid', 'Invalid backup: Backup status must be available');
  const existing = req.volumeId ? await targetVolume(deps, caller, req.volumeId, b.size) : undefined;
  if (existing === undefined) await checkVolumeQuota(deps, caller.projectId, b.size);
  const type = existing === undefined ? await defaultVolumeType(deps) : undefined;
  const volumeId = existing?.id ?? crypto.randomUUID();
  const volumeName = existing ? existing.name : (req.name ?? `restore_backup_${b.id}`);
  const now = deps.clock().toISOString();
  await deps.capacity?.ready();
  const won = await retryClaimRaces(() =>
    deps.store.write(async (tx) => {
      const set = { status: 'restoring' as const, restore_volume_id: volumeId };
      if (!(await updateBackupIf(tx, b.id, b.generation, set, now))) return false;
      if (existing) {
        // Throwing rolls the backup's change back too.
        if (
          !(await updateVolumeIf(tx, existing.id, existing.generation, { status: 'restoring-backup' }, now))
        )
          throw busy(existing.id);
        return true;
      }
      await insertVolume(tx, {
        id: volumeId,
        projectId: caller.projectId,
        userId: caller.userId,
        name: volumeName,
        description: null,
        size: b.size,
        status: 'restoring-backup',
        availabilityZone: deps.availabilityZone,
        volumeTypeId: type!.id,
        snapshotId: null,
        sourceVolid: null,
        bootable: false,
        imageId: null,
        imageMetadata: {},
        metadata: {},
        createdAt: now,
      });
      const claim = { id: volumeId, projectId: caller.projectId, userId: caller.userId, size: b.size };
      await deps.capacity?.claimIn(tx, claim, 'creation');
      return true;
    }),
  );
  if (!won)
    throw new InputError(
      'volume.backup.invalid',
      `Invalid backup: Backup ${b.id} is being changed; try again.`,
    );
  deps.wakeBackup(b.id);
  return { backupId: b.id, volumeId, volumeName };
}
