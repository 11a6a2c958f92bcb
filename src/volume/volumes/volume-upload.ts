import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../common/errors.js';
import type { ReconcileResult } from '../../common/reconcile/controller.js';
import { attachmentsOfVolumes } from '../attachments/volume-attachment-store.js';
import { getVolumeType } from '../types/volume-type-store.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { cinderTime } from './volume-view.js';
import { findVolume } from './volume-service.js';
import type { VolumeRecord } from './volume-store.js';
import { updateVolumeIf } from './volume-store.js';

export interface UploadImageRequest {
  readonly imageName: string;
  readonly force: boolean;
  readonly diskFormat: string;
  readonly containerFormat: string;
  /** 3.1+ */
  readonly visibility?: string;
  /** 3.1+ */
  readonly protected?: boolean;
}

/** Image formats the file backend writes. */
const writable = ['raw', 'qcow2'];
/** Volume image metadata that describes the old image, not a property to carry over. */
const coreKeys = new Set([
  'image_id',
  'image_name',
  'checksum',
  'container_format',
  'disk_format',
  'min_disk',
  'min_ram',
  'size',
]);

function checkRequest(v: VolumeRecord, req: UploadImageRequest): void {
  if (!writable.includes(req.diskFormat))
    throw new InputError(
      'volume.upload.bad_disk_format',
      `Invalid disk-format '${req.diskFormat}' is specified. Allowed disk-formats are ${writable.join(', ')}.`,
    );
  if (req.containerFormat !== 'bare')
    throw new InputError(
      'volume.upload.bad_container_format',
      `Invalid container-format '${req.containerFormat}' is specified. Allowed container-formats are bare.`,
    );
  if (v.status !== 'available' && v.status !== 'in-use')
    throw new InputError(
      'volume.upload.bad_status',
      'Invalid volume: Volume status must be available/in-use.',
    );
  if (v.status === 'in-use' && !req.force)
    throw new InputError('volume.upload.in_use', 'Invalid volume: Volume status is in-use.');
}

/**
 * Cinder's os-volume_upload_image: a queued image in the image service (the volume's
 * image properties carried over), the volume `uploading` until the reconciler has
 * written its data into it. Answers Cinder's response body.
 */
export async function uploadVolumeImage(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  req: UploadImageRequest,
) {
  const v = await findVolume(deps, caller, id);
  // Cinder ignores `force` unless the operator allows it (enable_force_upload).
  checkRequest(v, { ...req, force: req.force && deps.enableForceUpload === true });
  const properties = Object.fromEntries(Object.entries(v.imageMetadata).filter(([k]) => !coreKeys.has(k)));
  const image = await deps.images.createImage(
    { projectId: v.projectId },
    {
      name: req.imageName,
      diskFormat: req.diskFormat,
      containerFormat: req.containerFormat,
      ...(req.visibility !== undefined && { visibility: req.visibility }),
      ...(req.protected !== undefined && { protected: req.protected }),
      properties,
    },
  );
  const now = deps.clock().toISOString();
  const set = { status: 'uploading' as const, upload_image_id: image.id };
  if (!(await updateVolumeIf(deps.store.db, id, v.generation, set, now))) {
    await deps.images.deleteImage(image.id);
    throw new InputError('volume.volume.busy', `Invalid volume: Volume ${id} is being changed; try again.`);
  }
  deps.wake(id);
  const type = await getVolumeType(deps.store.db, v.volumeTypeId);
  return {
    id: v.id,
    updated_at: cinderTime(now),
    status: 'uploading',
    display_description: v.description,
    size: v.size,
    volume_type: type === undefined ? null : typeOfResponse(type),
    image_id: image.id,
    container_format: image.containerFormat,
    disk_format: image.diskFormat,
    image_name: image.name,
    protected: image.protected,
    visibility: image.visibility,
  };
}

/** The volume type row as Cinder serializes it into the upload response. */
function typeOfResponse(t: NonNullable<Awaited<ReturnType<typeof getVolumeType>>>) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    is_public: t.isPublic,
    extra_specs: t.extraSpecs,
    qos_specs_id: null,
    deleted: false,
    created_at: cinderTime(t.createdAt),
    updated_at: null,
    deleted_at: null,
  };
}

/**
 * The reconciler's step for `uploading`: the volume's data flattened into the image's
 * format in a private file, streamed into the image, then the volume is back to what its
 * attachments say. A failed upload leaves no queued image (the image API deletes it).
 */
export async function uploadToImage(
  deps: VolumeDeps,
  v: VolumeRecord,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const imageId = v.uploadImageId;
  const image =
    imageId === null ? undefined : await deps.images.getImage({ projectId: '', isAdmin: true }, imageId);
  if (image?.status === 'queued') {
    const part = join(deps.pool.dir, `upload-${v.id}.${randomBytes(6).toString('hex')}`);
    try {
      await deps.pool.exportTo(v.id, part, image.diskFormat === 'raw' ? 'raw' : 'qcow2', signal);
      await deps.images.uploadImageData(image.id, { localPath: part });
    } catch (err) {
      if (signal.aborted) throw err;
      deps.log.error({ err, volumeId: v.id, imageId }, 'volume upload to image failed');
    } finally {
      await rm(part, { force: true });
    }
  }
  const attached = (await attachmentsOfVolumes(deps.store.db, [v.id])).get(v.id)?.length ?? 0;
  const set = { status: attached > 0 ? ('in-use' as const) : ('available' as const), upload_image_id: null };
  const ok = await updateVolumeIf(deps.store.db, v.id, v.generation, set, deps.clock().toISOString());
  return ok ? {} : { requeueAfterMs: 200 };
}
