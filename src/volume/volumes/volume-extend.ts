import { InputError } from '../../common/errors.js';
import { checkExtendQuota } from '../quotas/volume-quota-service.js';
import { attachmentsOfVolume } from '../attachments/volume-attachment-store.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from './volume-service.js';
import { updateVolumeIf } from './volume-store.js';
import { retryClaimRaces } from '../capacity/backend-capacity.js';

export interface ExtendOptions {
  /** 3.42 and the caller passes volume:extend_attached_volume: an in-use volume may grow. */
  readonly inUse: boolean;
}

/**
 * Cinder's os-extend: the new size is recorded with status `extending` (so quota counts
 * it at once, as Cinder's reservation does) and the reconciler grows the file, or, for an
 * in-use volume (3.42), asks each server's host to grow the disk under the workload.
 * Only attachments compute drives can be told; a volume an outside consumer holds is refused.
 */
export async function extendVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  newSize: number,
  opts: ExtendOptions = { inUse: false },
): Promise<void> {
  const v = await findVolume(deps, caller, id);
  if (newSize <= v.size)
    throw new InputError(
      'volume.volume.extend_not_larger',
      `Invalid input received: New size for extend must be greater than current size. (current: ${v.size}, extended: ${newSize}).`,
    );
  const expected = opts.inUse ? "('available', 'in-use')" : "'available'";
  const refused = new InputError(
    'volume.volume.extend_bad_status',
    `Invalid volume: Volume ${v.id} status must be '{'status': ${expected}}' to extend, currently ${v.status}.`,
  );
  if (v.status !== 'available' && !(opts.inUse && v.status === 'in-use')) throw refused;
  if (v.status === 'in-use') {
    const atts = await attachmentsOfVolume(deps.store.db, id);
    if (atts.some((a) => a.driver !== 'compute' || a.attachStatus !== 'attached')) throw refused;
  }
  await checkExtendQuota(deps, v.projectId, newSize, newSize - v.size);
  const set = { status: 'extending' as const, size: newSize };
  await deps.capacity?.ready();
  // The new size and its claim commit together: no room leaves the volume as it was.
  const claim = { id, projectId: v.projectId, userId: v.userId, size: newSize };
  const won = await retryClaimRaces(() =>
    deps.store.write(async (tx) => {
      if (!(await updateVolumeIf(tx, id, v.generation, set, deps.clock().toISOString()))) return false;
      await deps.capacity?.claimIn(tx, claim, 'extension');
      return true;
    }),
  );
  if (!won) throw refused;
  deps.wake(id);
}
