import { InputError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Caller } from '../servers/server-inputs.js';
import type { BlockDeviceRequest, BootPlan } from './block-device-request.js';

const GiB = 1024 ** 3;
const invalid = (details: string) =>
  new InputError('compute.server.bdm_invalid', `Block Device Mapping is Invalid: ${details}`);

/**
 * Nova's API checks of each volume mapping's source against block storage and the image
 * service (compute API _validate_bdm / _get_bdm_image_metadata), before anything is made.
 */
export interface BootOptions {
  /** 2.60: the request's microversion lets a multiattach volume be used. */
  readonly supportsMultiattach: boolean;
  /**
   * The request names an imageRef: Nova then takes the boot metadata from that image and
   * never asks whether the boot volume is bootable (_get_bdm_image_metadata runs without one only).
   */
  readonly imageRequested?: boolean;
}

export async function checkBootPlan(
  deps: ComputeDeps,
  caller: Caller,
  plan: BootPlan,
  opts: BootOptions = { supportsMultiattach: false },
): Promise<void> {
  if (plan.volumes.length === 0) return;
  const volumes = deps.volumes();
  if (volumes === undefined) throw invalid('this cloud does not serve block storage.');
  const who = { projectId: caller.projectId, userId: caller.userId, isAdmin: caller.isAdmin };
  for (const d of plan.volumes) {
    const id = d.uuid ?? '';
    if (d.sourceType === 'volume') {
      const v = await volumes.getVolume(who, id);
      if (v === undefined) throw invalid(`failed to get volume ${id}.`);
      if (v.multiattach && !opts.supportsMultiattach)
        throw new InputError(
          'compute.server.multiattach_old_microversion',
          'Multiattach volumes are only supported starting with compute API version 2.60.',
        );
      if (d.bootIndex === 0 && !v.bootable && opts.imageRequested !== true)
        throw new InputError('compute.server.bdm_not_bootable', `Block Device ${id} is not bootable.`);
      // A multiattach volume may already serve other servers (2.60).
      if (v.status !== 'available' && !(v.multiattach && v.status === 'in-use'))
        throw new InputError(
          'compute.server.volume_not_available',
          `Invalid volume: volume '${id}' status must be 'available'. Currently in '${v.status}'`,
        );
    } else if (d.sourceType === 'snapshot') {
      if ((await volumes.getSnapshot(who, id)) === undefined) throw invalid(`failed to get snapshot ${id}.`);
    } else if (d.sourceType === 'image') {
      await checkImage(deps, caller, d, id);
    }
  }
}

async function checkImage(
  deps: ComputeDeps,
  caller: Caller,
  d: BlockDeviceRequest,
  id: string,
): Promise<void> {
  const image = await deps.images.getImage({ projectId: caller.projectId, isAdmin: caller.isAdmin }, id);
  if (image === undefined || image.status !== 'active') throw invalid(`failed to get image ${id}.`);
  const size = (d.volumeSize ?? 0) * GiB;
  if (image.minDisk * GiB > size)
    throw new InputError(
      'compute.server.volume_below_min_disk',
      `Volume is smaller than the minimum size specified in image metadata. Volume size is ${size} bytes, minimum size is ${image.minDisk * GiB} bytes.`,
    );
}
