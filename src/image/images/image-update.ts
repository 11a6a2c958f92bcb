import { InputError } from '../../common/errors.js';
import type { ImageVisibility } from '../../db/tables/image-tables.js';
import type { ImageCaller, ImageDeps } from '../image-deps.js';
import { imageConflict, imageForbidden } from '../image-errors.js';
import type { ImageChange, ImageFields } from './image-patch.js';
import { applyImagePatch } from './image-patch.js';
import { checkImageLimits, findVisibleImage, imageTarget, nonNegative } from './image-service.js';
import type { Image } from './image-store.js';
import * as store from './image-store.js';

/** Checks a rule the way the route's policy does: throws 403 unless the caller passes. */
export type Authorize = (rule: string, target: Readonly<Record<string, unknown>>) => void;

/**
 * Applies a JSON patch to an image: all changes or none. Retries when an upload or
 * import moves the image's status between the read and the write.
 */
export async function updateImage(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  changes: ReadonlyArray<ImageChange>,
  authorize: Authorize,
): Promise<Image> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const image = await findVisibleImage(deps, caller, id);
    checkChanges(caller, image, changes, authorize);
    if (changes.length === 0) return image;
    const next = patched(image, changes, deps.clock().toISOString());
    if (await deps.store.db.transaction().execute((tx) => store.saveImage(tx, next, image.status)))
      return next;
  }
  throw imageConflict(`Image ${id} changed status while it was being updated; try again.`);
}

/** The per-attribute rules Glance checks before it applies a change. */
function checkChanges(
  caller: ImageCaller,
  image: Image,
  changes: ReadonlyArray<ImageChange>,
  authorize: Authorize,
): void {
  for (const c of changes) {
    if (c.op === 'remove') continue;
    if (c.name === 'visibility')
      authorizeVisibility(authorize, c.value as string, imageTarget(image, caller));
    if (c.name === 'owner' && !caller.isAdmin) throw imageForbidden("Owner can't be updated by non admin.");
    if (
      (c.name === 'disk_format' || c.name === 'container_format') &&
      !['queued', 'importing'].includes(image.status)
    )
      throw imageForbidden(`Attribute ${c.name} can be only replaced for a queued image.`);
  }
}

/** Making an image public or community has its own rule (Glance's publicize/communitize_image). */
export function authorizeVisibility(
  authorize: Authorize,
  visibility: string | undefined,
  target: Readonly<Record<string, unknown>>,
): void {
  if (visibility === 'public') authorize('publicize_image', target);
  if (visibility === 'community') authorize('communitize_image', target);
}

function patched(image: Image, changes: ReadonlyArray<ImageChange>, now: string): Image {
  const out = applyImagePatch({ fields: fieldsOf(image), properties: image.properties }, changes);
  const f = out.fields;
  if (f.owner === null) throw new InputError('image.image.owner', 'Owner of an image cannot be null.');
  const next: Image = {
    ...image,
    name: f.name,
    visibility: f.visibility as ImageVisibility,
    protected: f.protected,
    osHidden: f.os_hidden,
    minDisk: nonNegative(f.min_disk, 'min_disk'),
    minRam: nonNegative(f.min_ram, 'min_ram'),
    owner: f.owner,
    diskFormat: f.disk_format,
    containerFormat: f.container_format,
    tags: [...f.tags].sort(),
    properties: out.properties,
    updatedAt: now,
  };
  checkImageLimits(next);
  return next;
}

function fieldsOf(i: Image): ImageFields {
  return {
    name: i.name,
    visibility: i.visibility,
    protected: i.protected,
    os_hidden: i.osHidden,
    min_disk: i.minDisk,
    min_ram: i.minRam,
    owner: i.owner,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    tags: i.tags,
  };
}
