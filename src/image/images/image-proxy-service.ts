import { InputError } from '../../common/errors.js';
import type { ImageCaller, ImageDeps } from '../image-deps.js';
import { imageForbidden } from '../image-errors.js';
import { parseImageListQuery } from './image-list-query.js';
import { listImages } from './image-list-store.js';
import type { ImageChange } from './image-patch.js';
import { findVisibleImage, isVisible } from './image-service.js';
import type { Image } from './image-store.js';
import { getImage } from './image-store.js';
import { updateImage } from './image-update.js';

// What other services read through the in-process API: Nova's image proxy lists and edits
// images the way its Glance client does, through the same checks as the HTTP routes.
const listLimits = { byDefault: 25, max: 1000 };

export async function listVisibleImages(
  deps: ImageDeps,
  caller: ImageCaller,
  q: Readonly<Record<string, string>>,
): Promise<Image[]> {
  const query = parseImageListQuery(q, listLimits);
  const marker = query.marker === undefined ? undefined : await getImage(deps.store.db, query.marker);
  if (query.marker !== undefined && (marker === undefined || !(await isVisible(deps, caller, marker))))
    throw new InputError('image.list.marker', `No image found with ID ${query.marker}`);
  return listImages(deps.store.db, caller, query, marker);
}

/** Glance's modify_image: the owner or an admin; the changes are the diff of the properties. */
export async function setImageProperties(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  next: Readonly<Record<string, string>>,
): Promise<Image> {
  const image = await findVisibleImage(deps, caller, id);
  if (!caller.isAdmin && image.owner !== caller.projectId)
    throw imageForbidden(`You are not permitted to modify image ${id}.`);
  const changes: ImageChange[] = [
    ...Object.keys(image.properties)
      .filter((k) => !(k in next))
      .map((name) => ({ op: 'remove' as const, name, draft: 10 as const })),
    ...Object.entries(next)
      .filter(([k, v]) => image.properties[k] !== v)
      .map(([name, value]) => ({ op: 'add' as const, name, value, draft: 10 as const })),
  ];
  return updateImage(deps, caller, id, changes, () => undefined);
}
