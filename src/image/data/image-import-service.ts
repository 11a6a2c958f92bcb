import { virtualSizeOf } from './virtual-size.js';
import { InputError } from '../../common/errors.js';
import type { ImageCaller, ImageDeps } from '../image-deps.js';
import { imageConflict } from '../image-errors.js';
import { remainingImageBytes } from '../image-quota.js';
import { findVisibleImage } from '../images/image-service.js';
import { getImage, imageIdsWithStatus, setStatus } from '../images/image-store.js';

/** Import methods this site offers (Glance's `enabled_import_methods`). */
export const importMethods = ['glance-direct'];

/** Checks an import body as Glance's deserializer does, returning the method name. */
function importMethod(body: unknown): string {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b['method'] === undefined) throw bad("Import request requires a 'method' field.");
  const method = b['method'] as Record<string, unknown>;
  if (method === null || typeof method !== 'object' || method['name'] === undefined)
    throw bad("Import request requires a 'name' field.");
  const name = String(method['name']);
  if (!importMethods.includes(name)) throw bad(`Unknown import method name '${name}'.`);
  for (const flag of ['all_stores_must_succeed', 'all_stores']) {
    if (b[flag] !== undefined && typeof b[flag] !== 'boolean')
      throw bad(`'${flag}' must be boolean value only`);
  }
  return name;
}

/**
 * `POST /v2/images/{id}/import` with glance-direct: moves a staged image to `importing`
 * and starts the import task; the client polls the image until it is active.
 */
export async function importImage(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  body: unknown,
): Promise<void> {
  const method = importMethod(body);
  const image = await findVisibleImage(deps, caller, id);
  await remainingImageBytes(deps, image.owner, undefined);
  if (image.status === 'active') throw imageConflict('Image with status active cannot be target for import');
  if (image.status !== 'uploading')
    throw imageConflict(`Image needs to be staged before '${method}' method can be used`);
  if (!image.containerFormat) throw imageConflict("'container_format' needs to be set before import");
  if (!image.diskFormat) throw imageConflict("'disk_format' needs to be set before import");
  if (!(await setStatus(deps.store.db, id, 'uploading', 'importing', deps.clock().toISOString())))
    throw imageConflict(
      `New operation on image '${id}' is not permitted as prior operation is still in progress`,
    );
  deps.importer.start(id);
}

/**
 * The import task: hashes the staged data, moves it into the store and makes the image
 * active. Every step can be repeated, so a task cut short (or run twice) converges; on
 * failure the staged data goes and the image returns to queued, as Glance's does.
 */
export async function runImport(deps: ImageDeps, id: string): Promise<void> {
  const image = await getImage(deps.store.db, id);
  if (image === undefined || image.status !== 'importing') return;
  try {
    const area = (await deps.files.exists(id, 'staging')) ? 'staging' : 'store';
    const stored = await deps.files.hash(id, area);
    await deps.files.promote(id);
    const virtualSize = await virtualSizeOf(deps.files.path(id), image.diskFormat);
    const fields = { ...stored, virtualSize };
    if (!(await setStatus(deps.store.db, id, 'importing', 'active', deps.clock().toISOString(), fields)))
      await deps.files.remove(id);
  } catch (err) {
    deps.log.error({ err, image_id: id }, 'glance-direct import failed; image returns to queued');
    await deps.files.remove(id);
    await setStatus(deps.store.db, id, 'importing', 'queued', deps.clock().toISOString(), { size: null });
  }
}

/** Restarts imports that a stopped process left in `importing` (level-triggered: status is the truth). */
export async function resumeImports(deps: ImageDeps): Promise<void> {
  for (const id of await imageIdsWithStatus(deps.store.db, 'importing')) deps.importer.start(id);
}

/** `GET /v2/info/import`. */
export function importInfoView() {
  return {
    'import-methods': { description: 'Import methods available.', type: 'array', value: importMethods },
  };
}

function bad(message: string): InputError {
  return new InputError('image.import.bad', message);
}
