import { InputError, NotFoundError } from '../../common/errors.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume, updateVolume } from './volume-service.js';
import type { VolumeRecord } from './volume-store.js';

/** os-set_bootable (Cinder's volume update). */
export async function setBootable(deps: VolumeDeps, caller: VolumeCaller, id: string, bootable: boolean) {
  await updateVolume(deps, caller, id, (v) => {
    if (v.status === 'maintenance') throw invalid('The volume cannot be updated during maintenance.');
    return { bootable };
  });
}

/** os-update_readonly_flag: Cinder keeps it as admin metadata `readonly` ("True"/"False"), on available volumes. */
export async function updateReadonlyFlag(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  readonly: boolean,
) {
  await updateVolume(deps, caller, id, (v) => {
    if (v.status !== 'available')
      throw invalid(
        `The volume status must be available to update readonly flag, but current status is: ${v.status}.`,
      );
    return { adminMetadata: { ...v.adminMetadata, readonly: readonly ? 'True' : 'False' } };
  });
}

/** os-show_image_metadata. */
export async function showImageMetadata(deps: VolumeDeps, caller: VolumeCaller, id: string) {
  return (await findVolume(deps, caller, id)).imageMetadata;
}

/** os-set_image_metadata: merges into volume_image_metadata; answers with all of it. */
export async function setImageMetadata(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  metadata: Readonly<Record<string, string>>,
): Promise<Readonly<Record<string, string>>> {
  const v = await updateVolume(deps, caller, id, (cur) => {
    checkMetadataWritable(cur);
    return { imageMetadata: { ...cur.imageMetadata, ...metadata } };
  });
  return v.imageMetadata;
}

/** os-unset_image_metadata: 404 for a key the volume does not have. */
export async function unsetImageMetadata(deps: VolumeDeps, caller: VolumeCaller, id: string, key: string) {
  await updateVolume(deps, caller, id, (cur) => {
    checkMetadataWritable(cur);
    if (!(key in cur.imageMetadata))
      throw new NotFoundError(
        'volume.volume.image_metadata_not_found',
        `Glance metadata for volume/snapshot ${id} cannot be found.`,
      );
    const { [key]: _gone, ...rest } = cur.imageMetadata;
    return { imageMetadata: rest };
  });
}

function checkMetadataWritable(v: VolumeRecord): void {
  if (v.status === 'maintenance' || v.status === 'uploading')
    throw invalid(`Updating volume metadata is not allowed for volumes in ${v.status} status.`);
}

function invalid(reason: string): InputError {
  return new InputError('volume.volume.invalid', `Invalid volume: ${reason}`);
}
