import { InputError, NotFoundError } from '../../common/errors.js';
import type { ImageRecord } from '../../image/image-api.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';

const GiB = 1024 ** 3;
/** Image disk formats the file backend can convert into a volume. */
const convertible = new Set(['raw', 'qcow2']);

/** What a volume made from an image starts with. */
export interface ImageOrigin {
  readonly imageId: string;
  /** Cinder's volume_image_metadata (all values strings, as Cinder stores them). */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Cinder's checks of `imageRef` on create (_check_image_metadata): the image must be
 * visible and active, a disk format the backend can read, and fit the volume by its
 * data size, min_disk and virtual size.
 */
export async function imageOrigin(
  deps: VolumeDeps,
  caller: VolumeCaller,
  imageRef: string,
  size: number,
): Promise<ImageOrigin> {
  const image = await deps.images.getImage(caller, imageRef);
  if (image === undefined)
    throw new NotFoundError('volume.image.not_found', `Image ${imageRef} could not be found.`);
  if (image.status !== 'active')
    throw new InputError(
      'volume.image.not_active',
      `Invalid input received: Image ${image.id} is not active.`,
    );
  if (!convertible.has(image.diskFormat ?? '') || image.containerFormat === 'docker')
    throw new InputError(
      'volume.image.unacceptable',
      `Image ${image.id} is unacceptable: Unsupported image format: ${image.diskFormat ?? 'None'}.`,
    );
  const dataGb = Math.ceil((image.size ?? 0) / GiB);
  if (dataGb > size)
    throw new InputError(
      'volume.image.larger_than_volume',
      `Invalid input received: Size of specified image ${dataGb}GB is larger than volume size ${size}GB.`,
    );
  if (image.minDisk > size)
    throw new InputError(
      'volume.image.min_disk',
      `Invalid input received: Volume size ${size}GB cannot be smaller than the image minDisk size ${image.minDisk}GB.`,
    );
  const virtualGb = Math.ceil((image.virtualSize ?? 0) / GiB);
  if (virtualGb > size)
    throw new InputError(
      'volume.image.virtual_size',
      `Image ${image.id} is unacceptable: Image virtual size is ${virtualGb}GB and doesn't fit in a volume of size ${size}GB.`,
    );
  return { imageId: image.id, metadata: imageMetadataOf(image) };
}

/** Cinder copies the image's id, name, core attributes and custom properties (_capture_volume_image_metadata). */
export function imageMetadataOf(image: ImageRecord): Record<string, string> {
  const core: Record<string, string | number | null> = {
    checksum: image.checksum,
    container_format: image.containerFormat,
    disk_format: image.diskFormat,
    min_disk: image.minDisk,
    min_ram: image.minRam,
    size: image.size,
  };
  const out: Record<string, string> = { ...image.properties, image_id: image.id };
  if (image.name !== null) out['image_name'] = image.name;
  for (const [k, v] of Object.entries(core)) if (v !== null) out[k] = String(v);
  return out;
}

/** The reconciler's step for `downloading`: the image's data converted into the volume's file. */
export async function copyImageToVolume(
  deps: VolumeDeps,
  volumeId: string,
  imageId: string,
  sizeGb: number,
  signal: AbortSignal,
): Promise<void> {
  const image = await deps.images.getImage({ projectId: '', isAdmin: true }, imageId);
  if (image?.status !== 'active') throw new Error(`image ${imageId} is no longer active`);
  const format = image.diskFormat === 'raw' ? 'raw' : 'qcow2';
  await deps.pool.fromImage(volumeId, deps.images.imageDataPath(imageId), format, sizeGb, signal);
}
