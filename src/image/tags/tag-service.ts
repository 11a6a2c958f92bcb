import type { ImageCaller, ImageDeps } from '../image-deps.js';
import { imageItemLimit, imageNotFound, itemLimitExceeded } from '../image-errors.js';
import { findVisibleImage } from '../images/image-service.js';
import { validateImageFields } from '../images/image-validation.js';

/** Glance's wording when the image named in a tag or member URL is missing. */
export const missingImage = (id: string) => `Image ${id} not found.`;

/** `PUT /v2/images/{id}/tags/{tag}`: idempotent; the tag must fit the schema and the tag limit. */
export async function addTag(deps: ImageDeps, caller: ImageCaller, id: string, tag: string): Promise<void> {
  const image = await findVisibleImage(deps, caller, id, missingImage(id));
  validateImageFields({ tags: [tag] });
  if (image.tags.includes(tag)) return;
  if (image.tags.length + 1 > imageItemLimit) throw itemLimitExceeded('tags', image.tags.length + 1);
  await deps.store.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('image_tags')
      .values({ image_id: id, value: tag })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await touch(tx, id, deps.clock().toISOString());
  });
}

/** `DELETE /v2/images/{id}/tags/{tag}`: a tag the image does not have is a 404. */
export async function deleteTag(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  tag: string,
): Promise<void> {
  const image = await findVisibleImage(deps, caller, id, missingImage(id));
  if (!image.tags.includes(tag)) throw imageNotFound(id, 'The resource could not be found.');
  await deps.store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('image_tags').where('image_id', '=', id).where('value', '=', tag).execute();
    await touch(tx, id, deps.clock().toISOString());
  });
}

async function touch(db: ImageDeps['store']['db'], id: string, at: string): Promise<void> {
  await db.updateTable('images').set({ updated_at: at }).where('id', '=', id).execute();
}
