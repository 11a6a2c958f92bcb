import { InputError } from '../../common/errors.js';
import { uuid } from '../../common/ids.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { ImageVisibility } from '../../db/tables/image-tables.js';
import type { ImageCaller, ImageDeps } from '../image-deps.js';
import {
  imageConflict,
  imageForbidden,
  imageItemLimit,
  imageNotFound,
  itemLimitExceeded,
} from '../image-errors.js';
import { checkImageCount } from '../image-quota.js';
import { isMember } from '../members/member-store.js';
import { checkWritable, coreFields } from './image-patch.js';
import type { Image } from './image-store.js';
import * as store from './image-store.js';
import { validateImageFields } from './image-validation.js';

/** Glance's is_image_visible: admin, public/community, owner, or any member of a shared image. */
export async function isVisible(deps: ImageDeps, caller: ImageCaller, image: Image): Promise<boolean> {
  if (caller.isAdmin || image.visibility === 'public' || image.visibility === 'community') return true;
  if (caller.projectId === undefined) return false;
  if (caller.projectId === image.owner) return true;
  return image.visibility === 'shared' && isMember(deps.store.db, image.id, caller.projectId);
}

/** The image if the caller may see it; otherwise the same 404 as for a missing image. */
export async function findVisibleImage(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  notFoundMessage?: string,
): Promise<Image> {
  const image = await store.getImage(deps.store.db, id);
  if (image === undefined || !(await isVisible(deps, caller, image)))
    throw imageNotFound(id, notFoundMessage);
  return image;
}

/**
 * The policy target Glance's ImageTarget builds: every attribute and extra property, with
 * `project_id` meaning the owner and `member_id` the caller's project when it sees a
 * shared image it does not own.
 */
export function imageTarget(image: Image, caller: ImageCaller): Record<string, unknown> {
  const member = image.visibility === 'shared' && caller.projectId !== image.owner ? caller.projectId : null;
  return {
    ...image.properties,
    id: image.id,
    name: image.name,
    status: image.status,
    visibility: image.visibility,
    protected: image.protected,
    owner: image.owner,
    project_id: image.owner,
    member_id: member,
  };
}

const disallowedOnCreate = ['direct_url', 'self', 'file', 'schema', 'stores'];

/** Creates a queued image from a Glance create body (core attributes plus string properties). */
export async function createImage(
  deps: ImageDeps,
  caller: ImageCaller,
  body: Readonly<Record<string, unknown>>,
): Promise<Image> {
  for (const key of disallowedOnCreate)
    if (key in body) throw imageForbidden(`Attribute '${key}' is read-only.`);
  validateImageFields(body);
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id' || (coreFields as ReadonlyArray<string>).includes(key)) continue;
    checkWritable(key);
    if (key.length > 255)
      throw new InputError(
        'image.image.long_key',
        'Custom property should not be greater than 255 characters.',
      );
    properties[key] = value as string;
  }
  const image = newImage(deps, caller, body, properties);
  checkImageLimits(image);
  await checkImageCount(deps, image.owner);
  await uniqueWrite(
    deps.store.traits,
    () => deps.store.db.transaction().execute((tx) => store.insertImage(tx, image)),
    () => imageConflict(`Image ID ${image.id} already exists!`),
  );
  return image;
}

function newImage(
  deps: ImageDeps,
  caller: ImageCaller,
  body: Readonly<Record<string, unknown>>,
  properties: Record<string, string>,
): Image {
  const now = deps.clock().toISOString();
  const owner = typeof body['owner'] === 'string' ? body['owner'] : caller.projectId;
  if (owner === undefined) throw imageForbidden('You are not permitted to create images without a project.');
  return {
    id: typeof body['id'] === 'string' ? body['id'] : uuid(),
    name: (body['name'] as string | null | undefined) ?? null,
    status: 'queued',
    visibility: (body['visibility'] as ImageVisibility | undefined) ?? 'shared',
    protected: body['protected'] === true,
    osHidden: body['os_hidden'] === true,
    owner,
    diskFormat: (body['disk_format'] as string | null | undefined) ?? null,
    containerFormat: (body['container_format'] as string | null | undefined) ?? null,
    size: null,
    virtualSize: null,
    checksum: null,
    osHashAlgo: null,
    osHashValue: null,
    minDisk: nonNegative(body['min_disk'], 'min_disk'),
    minRam: nonNegative(body['min_ram'], 'min_ram'),
    properties,
    tags: [...new Set((body['tags'] as string[] | undefined) ?? [])],
    createdAt: now,
    updatedAt: now,
  };
}

/** Glance's min_disk/min_ram setters: the schema allows any integer, the domain no negatives. */
export function nonNegative(value: unknown, param: string): number {
  const n = typeof value === 'number' ? value : 0;
  if (n < 0) {
    throw new InputError(
      'image.image.negative',
      `Invalid value '${n}' for parameter '${param}': Cannot be a negative value`,
    );
  }
  return n;
}

/** Glance's image_property_quota and image_tag_quota (413 when passed). */
export function checkImageLimits(image: Image): void {
  const props = Object.keys(image.properties).length;
  if (props > imageItemLimit) throw itemLimitExceeded('properties', props);
  if (image.tags.length > imageItemLimit) throw itemLimitExceeded('tags', image.tags.length);
}

/** Deletes an image unless protected: the row is marked deleted and its data removed. */
export async function deleteImage(deps: ImageDeps, caller: ImageCaller, id: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const image = await findVisibleImage(deps, caller, id, `Failed to find image ${id} to delete`);
    if (image.protected) throw imageForbidden(`Image ${id} is protected and cannot be deleted.`);
    const at = deps.clock().toISOString();
    const done = await deps.store.db
      .transaction()
      .execute((tx) => store.markDeleted(tx, id, image.status, at));
    if (done) {
      await deps.files.remove(id);
      return;
    }
  }
  throw imageConflict(`Image ${id} changed status while it was being deleted; try again.`);
}
