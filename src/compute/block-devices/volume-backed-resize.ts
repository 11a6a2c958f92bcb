import { InputError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { EmbeddedFlavor, Server } from '../servers/server-model.js';
import { blockDevicesOf } from './block-device-store.js';

/**
 * Nova's resize checks on the root disk. A volume-backed server (image '') keeps its root on
 * the volume, so the flavor's root_gb does not bind it: a smaller or zero root_gb is fine,
 * and only the image's min_ram (the root volume's image metadata, as Nova keeps it in the
 * instance's system metadata) is checked. An image-backed server may not go to a zero-disk
 * flavor from a sized one (CannotResizeDisk). Returns whether the server is volume-backed.
 */
export async function checkResizeDisk(
  deps: ComputeDeps,
  s: Server,
  flavor: EmbeddedFlavor,
): Promise<boolean> {
  if (s.imageId !== '') {
    if (flavor.disk === 0 && s.flavor.disk !== 0)
      throw new InputError(
        'compute.server.resize_zero_disk',
        'Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.',
      );
    return false;
  }
  const minRam = Number((await rootImageMetadata(deps, s))['min_ram'] ?? 0);
  if (minRam > flavor.ram)
    throw new InputError(
      'compute.server.flavor_memory_small',
      "Flavor's memory is too small for requested image.",
    );
  return true;
}

/** The image metadata of a volume-backed server's root volume ({} when it has none). */
async function rootImageMetadata(deps: ComputeDeps, s: Server): Promise<Readonly<Record<string, string>>> {
  const root = (await blockDevicesOf(deps.store.db, s.id)).find((d) => d.request.bootIndex === 0);
  const who = { projectId: s.projectId, userId: s.userId, isAdmin: true };
  const volume = root === undefined ? undefined : await deps.volumes()?.getVolume(who, root.volumeId);
  return volume?.imageMetadata ?? {};
}
