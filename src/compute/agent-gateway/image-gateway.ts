import type { ImageControlPlane } from '../../agent/transport/control-plane.js';
import type { ComputeDeps } from '../compute-deps.js';

/** Statuses of an image whose data is gone or going (Glance's). */
const gone = new Set(['deleted', 'killed', 'pending_delete']);

/** The image part of the control plane: agents ask which cached images still exist. */
export class ImageGateway implements ImageControlPlane {
  constructor(private readonly deps: Pick<ComputeDeps, 'images'>) {}

  async liveImages(imageIds: ReadonlyArray<string>): Promise<ReadonlyArray<string>> {
    const live: string[] = [];
    for (const id of new Set(imageIds)) {
      // As the service: every image that exists is visible to it, whoever owns it.
      const image = await this.deps.images.getImage({ projectId: '', isAdmin: true }, id);
      if (image !== undefined && !gone.has(image.status)) live.push(id);
    }
    return live;
  }
}
