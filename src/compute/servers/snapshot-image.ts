import type { ImageRecord } from '../../image/image-api.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from './server-model.js';

/**
 * The queued image a createImage fills. As Nova does, it carries the source image's
 * properties (so the snapshot boots the way its source did), then the request's metadata,
 * then what marks it a snapshot of this server.
 */
export async function createSnapshotImage(
  deps: ComputeDeps,
  s: Server,
  req: { name: string; metadata?: Record<string, string> },
): Promise<ImageRecord> {
  const source = await deps.images.getImage({ projectId: s.projectId, isAdmin: true }, s.imageId);
  return deps.images.createImage(
    { projectId: s.projectId },
    {
      name: req.name,
      ...(source?.diskFormat && { diskFormat: source.diskFormat }),
      ...(source?.containerFormat && { containerFormat: source.containerFormat }),
      // Nova's snapshots are private to the project.
      visibility: 'private',
      minDisk: Math.max(s.flavor.disk, source?.minDisk ?? 0),
      minRam: Math.max(s.flavor.ram, source?.minRam ?? 0),
      properties: {
        ...source?.properties,
        ...req.metadata,
        image_type: 'snapshot',
        instance_uuid: s.id,
        base_image_ref: s.imageId,
        user_id: s.userId,
      },
    },
  );
}

/** A snapshot that was refused or failed leaves no queued image behind (an uploaded one stays). */
export async function discardSnapshotImage(deps: ComputeDeps, imageId: string): Promise<void> {
  const image = await deps.images.getImage({ projectId: '', isAdmin: true }, imageId);
  if (image !== undefined && image.status !== 'active') await deps.images.deleteImage(imageId);
}
