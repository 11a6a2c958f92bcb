import type { ImageCaller, ImageDeps } from '../image-deps.js';
import { imageConflict, imageForbidden } from '../image-errors.js';
import type { ImageEvent } from '../images/image-machine.js';
import { nextStatus } from '../images/image-machine.js';
import { findVisibleImage } from '../images/image-service.js';
import { setStatus } from '../images/image-store.js';

/**
 * `POST /v2/images/{id}/actions/deactivate|reactivate`. Repeating an action is a no-op,
 * as in Glance; from any other status it is refused with Glance's 403.
 */
export async function imageAction(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  action: 'deactivate' | 'reactivate',
): Promise<void> {
  const image = await findVisibleImage(deps, caller, id);
  const done = action === 'deactivate' ? 'deactivated' : 'active';
  if (image.status === done) return;
  const from = action === 'deactivate' ? 'active' : 'deactivated';
  if (image.status !== from)
    throw imageForbidden(`Not allowed to ${action} image in status '${image.status}'`);
  const to = nextStatus(from, action satisfies ImageEvent);
  if (!(await setStatus(deps.store.db, id, from, to, deps.clock().toISOString())))
    throw imageConflict(`Image ${id} changed status during ${action}; try again.`);
}
