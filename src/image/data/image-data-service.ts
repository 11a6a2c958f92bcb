import { virtualSizeOf } from './virtual-size.js';
import { InputError, RangeNotSatisfiableError } from '../../common/errors.js';
import type { ImageCaller, ImageDeps } from '../image-deps.js';
import { imageConflict, imageForbidden, imageNotFound, imageTooLarge } from '../image-errors.js';
import { remainingImageBytes, storageQuotaFull } from '../image-quota.js';
import { allowed, transitionRefused } from '../images/image-machine.js';
import { findVisibleImage } from '../images/image-service.js';
import type { Image } from '../images/image-store.js';
import { getImage, setStatus } from '../images/image-store.js';
import type { Area, ImageData } from './image-file-store.js';
import { DataLimitExceeded } from './image-file-store.js';

/** The caller, or `trusted` for in-process callers (compute's snapshots) that skip visibility. */
export type DataCaller = ImageCaller | 'trusted';

async function loadImage(deps: ImageDeps, caller: DataCaller, id: string): Promise<Image> {
  if (caller !== 'trusted') return findVisibleImage(deps, caller, id);
  const image = await getImage(deps.store.db, id);
  if (image === undefined) throw imageNotFound(id);
  return image;
}

/**
 * `PUT /v2/images/{id}/file`: streams the data into the store and makes the image active
 * with its size and hashes. Refusals (wrong status, missing formats, quota, size cap)
 * change nothing; a transfer that fails part way (over a limit, the client gone) removes
 * what was written and puts the image back to queued, as Glance's restore does.
 */
export async function uploadImageData(
  deps: ImageDeps,
  caller: DataCaller,
  id: string,
  data: ImageData,
  announced?: number,
): Promise<Image> {
  const image = await loadImage(deps, caller, id);
  if (!allowed(image.status, 'upload')) throw transitionRefused(image.status, 'saving');
  requireFormats(image);
  const limit = await transferLimit(deps, image.owner, announced);
  if (!(await setStatus(deps.store.db, id, 'queued', 'saving', now(deps))))
    throw transitionRefused((await getImage(deps.store.db, id))?.status ?? 'deleted', 'saving');
  const stored = await writeOrRevert(deps, id, data, 'store', limit);
  const virtualSize = await virtualSizeOf(deps.files.path(id), image.diskFormat);
  if (!(await setStatus(deps.store.db, id, 'saving', 'active', now(deps), { ...stored, virtualSize }))) {
    await deps.files.remove(id);
    throw imageConflict(
      `Image ${id} could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.`,
    );
  }
  return (await getImage(deps.store.db, id))!;
}

/**
 * `PUT /v2/images/{id}/stage`: the first half of the glance-direct import. The image goes
 * to `uploading` with its size; any failure removes the staged data and restores queued.
 */
export async function stageImageData(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  data: ImageData,
  announced?: number,
): Promise<void> {
  const image = await findVisibleImage(deps, caller, id);
  if (!allowed(image.status, 'stage')) throw transitionRefused(image.status, 'uploading');
  const limit = await transferLimit(deps, image.owner, announced);
  if (!(await setStatus(deps.store.db, id, 'queued', 'uploading', now(deps))))
    throw transitionRefused((await getImage(deps.store.db, id))?.status ?? 'deleted', 'uploading');
  const staged = await writeOrRevert(deps, id, data, 'staging', limit);
  await setStatus(deps.store.db, id, 'uploading', 'uploading', now(deps), { size: staged.size });
}

/** The most one transfer may write: the size cap, or less when the project's quota leaves less. */
interface TransferLimit {
  readonly maxBytes: number;
  readonly by: 'cap' | 'quota';
}

async function transferLimit(
  deps: ImageDeps,
  owner: string,
  announced: number | undefined,
): Promise<TransferLimit> {
  if (announced !== undefined && announced > deps.sizeCap) throw imageTooLarge();
  const remaining = await remainingImageBytes(deps, owner, announced);
  return remaining >= 0 && remaining < deps.sizeCap
    ? { maxBytes: remaining, by: 'quota' }
    : { maxBytes: deps.sizeCap, by: 'cap' };
}

/** Writes the data; on failure removes what was written and puts the image back to queued. */
async function writeOrRevert(deps: ImageDeps, id: string, data: ImageData, area: Area, limit: TransferLimit) {
  const during = area === 'store' ? 'saving' : 'uploading';
  try {
    return await deps.files.write(id, data, area, limit.maxBytes);
  } catch (err) {
    await setStatus(deps.store.db, id, during, 'queued', now(deps));
    if (!(err instanceof DataLimitExceeded)) {
      deps.log.warn({ err, image_id: id }, 'image data transfer failed; image is queued again');
      throw err;
    }
    throw limit.by === 'cap' ? imageTooLarge() : storageQuotaFull(err.written, err.maxBytes);
  }
}

/** Glance's status setter refuses saving data before both formats are known. */
function requireFormats(image: Image): void {
  const missing = (['disk_format', 'container_format'] as const).filter((k) =>
    k === 'disk_format' ? !image.diskFormat : !image.containerFormat,
  );
  if (missing.length === 0) return;
  const noun = missing.length === 1 ? 'Property' : 'Properties';
  throw new InputError(
    'image.data.formats',
    `${noun} ${missing.join(', ')} must be set prior to saving data.`,
  );
}

/** What a download sends: nothing for an image without data, else the byte range of the file. */
export type Download =
  | { readonly kind: 'empty' }
  | { readonly kind: 'data'; readonly image: Image; readonly range?: { start: number; end: number } };

/** `GET /v2/images/{id}/file`: deactivated images serve only admins; images without data send 204. */
export async function prepareDownload(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  rangeHeader: string | undefined,
): Promise<Download> {
  const image = await findVisibleImage(deps, caller, id);
  if (image.status === 'deactivated' && !caller.isAdmin)
    throw imageForbidden('The requested image has been deactivated. Image data download is forbidden.');
  if (!['active', 'deactivated'].includes(image.status) || !(await deps.files.exists(id)))
    return { kind: 'empty' };
  const range = byteRange(rangeHeader, image.size ?? 0);
  return range ? { kind: 'data', image, range } : { kind: 'data', image };
}

/**
 * `bytes=a-b`, `bytes=a-` or `bytes=-n` within the image, or undefined without a header.
 * Anything else, and any range of an empty image, is a 416 naming the size, as in Glance.
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m && !(m[1] === '' && m[2] === '')) {
    const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
    const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start <= end && start < size) return { start, end };
  }
  throw new RangeNotSatisfiableError('image.data.range', 'Requested range not satisfiable', {
    'content-range': `bytes */${size}`,
  });
}

function now(deps: ImageDeps): string {
  return deps.clock().toISOString();
}
