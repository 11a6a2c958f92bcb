import { InputError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import type { Caller } from '../servers/server-inputs.js';
import { blockDevicesOf } from './block-device-store.js';

/**
 * Nova's rule for rebuilding a volume-backed server before 2.93 (no re-image of the boot
 * volume): the image must be the one its root volume was made from (the volume's
 * volume_image_metadata image_id), else 400 ImageUnacceptable. Returns whether the server
 * is volume-backed; such a server keeps image '' over the rebuild, as Nova keeps it.
 */
export async function checkVolumeBackedRebuild(
  deps: ComputeDeps,
  caller: Caller,
  s: Server,
  imageId: string,
): Promise<boolean> {
  if (s.imageId !== '') return false;
  const root = (await blockDevicesOf(deps.store.db, s.id)).find((d) => d.request.bootIndex === 0);
  const who = { projectId: caller.projectId, userId: caller.userId, isAdmin: true };
  const volume = root === undefined ? undefined : await deps.volumes()?.getVolume(who, root.volumeId);
  if (volume?.imageMetadata['image_id'] !== imageId)
    throw new InputError(
      'compute.server.rebuild_volume_backed_image',
      `Image ${imageId} is unacceptable: Unable to rebuild with a different image for a volume-backed server.`,
    );
  return true;
}
