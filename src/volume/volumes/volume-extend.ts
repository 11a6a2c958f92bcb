import { InputError } from '../../common/errors.js';
import { checkExtendQuota } from '../quotas/volume-quota-service.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from './volume-service.js';
import { updateVolumeIf } from './volume-store.js';

/**
 * Cinder's os-extend for a volume that is not attached: the new size is recorded with
 * status `extending` (so quota counts it at once, as Cinder's reservation does) and the
 * reconciler grows the file. Extending an in-use volume (3.42) needs the guest told of the
 * new size through compute, which this slice does not do yet.
 */
export async function extendVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  newSize: number,
): Promise<void> {
  const v = await findVolume(deps, caller, id);
  if (newSize <= v.size)
    throw new InputError(
      'volume.volume.extend_not_larger',
      `Invalid input received: New size for extend must be greater than current size. (current: ${v.size}, extended: ${newSize}).`,
    );
  const refused = new InputError(
    'volume.volume.extend_bad_status',
    `Invalid volume: Volume ${v.id} status must be '{'status': 'available'}' to extend, currently ${v.status}.`,
  );
  if (v.status !== 'available') throw refused;
  await checkExtendQuota(deps, v.projectId, newSize, newSize - v.size);
  const set = { status: 'extending' as const, size: newSize };
  if (!(await updateVolumeIf(deps.store.db, id, v.generation, set, deps.clock().toISOString())))
    throw refused;
  deps.wake(id);
}
