import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import type { VolumeTypeRecord } from './volume-type-store.js';
import {
  addTypeProject,
  deleteVolumeType,
  getVolumeType,
  getVolumeTypeByName,
  hasTypeAccess,
  insertVolumeType,
  listVolumeTypes,
  removeTypeProject,
  setExtraSpecs,
  typeInUse,
  typeProjects,
  updateVolumeType,
} from './volume-type-store.js';

/** Cinder's default type, made by the migration; volumes without a type get it. */
export const defaultVolumeTypeName = '__DEFAULT__';

const uuidLike = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function typeNotFound(id: string): NotFoundError {
  return new NotFoundError('volume.type.not_found', `Volume type ${id} could not be found.`);
}

async function visible(deps: VolumeDeps, caller: VolumeCaller, t: VolumeTypeRecord): Promise<boolean> {
  return caller.isAdmin || t.isPublic || hasTypeAccess(deps.store.db, t.id, caller.projectId);
}

/** A type by id the caller may see (private types: admins and projects given access). */
export async function findVolumeType(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
): Promise<VolumeTypeRecord> {
  const t = await getVolumeType(deps.store.db, id);
  if (t === undefined || !(await visible(deps, caller, t))) throw typeNotFound(id);
  return t;
}

export async function defaultVolumeType(deps: VolumeDeps): Promise<VolumeTypeRecord> {
  const t = await getVolumeTypeByName(deps.store.db, defaultVolumeTypeName);
  if (t === undefined)
    throw new NotFoundError('volume.type.no_default', 'Default volume type can not be found.');
  return t;
}

/** The type a new volume gets: by id when it looks like a uuid, else by name (Cinder's get_by_name_or_id). */
export async function resolveVolumeType(
  deps: VolumeDeps,
  caller: VolumeCaller,
  nameOrId: string | null | undefined,
): Promise<VolumeTypeRecord> {
  if (nameOrId === null || nameOrId === undefined || nameOrId === '') return defaultVolumeType(deps);
  if (uuidLike.test(nameOrId)) return findVolumeType(deps, caller, nameOrId);
  const t = await getVolumeTypeByName(deps.store.db, nameOrId);
  if (t === undefined || !(await visible(deps, caller, t)))
    throw new NotFoundError('volume.type.not_found', `Volume type with name ${nameOrId} could not be found.`);
  return t;
}

/**
 * Cinder's type listing: public types and those shared with the caller's project; admins
 * may ask for `is_public=false` (private only) or `is_public=None` (all).
 */
export async function listTypes(
  deps: VolumeDeps,
  caller: VolumeCaller,
  isPublic: boolean | null,
): Promise<VolumeTypeRecord[]> {
  if (!caller.isAdmin || isPublic === true) return listVolumeTypes(deps.store.db, caller.projectId);
  const all = await listVolumeTypes(deps.store.db);
  return isPublic === null ? all : all.filter((t) => !t.isPublic);
}

/** Parses the `is_public` list filter as Cinder's _parse_is_public does (absent: public). */
export function parseIsPublicFilter(text: string | undefined): boolean | null {
  if (text === undefined) return true;
  if (text.toLowerCase() === 'none') return null;
  const v = text.toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(v)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(v)) return false;
  throw new InputError('volume.type.bad_is_public', `Invalid is_public filter [${text}]`);
}

function exists(name: string): ConflictError {
  return new ConflictError('volume.type.exists', `Volume Type ${name} already exists.`);
}

export interface VolumeTypeCreate {
  readonly name: string;
  readonly description: string | null;
  readonly isPublic: boolean;
  readonly extraSpecs: Readonly<Record<string, string | null>>;
}

export async function createType(deps: VolumeDeps, req: VolumeTypeCreate): Promise<VolumeTypeRecord> {
  checkCacheable(req.extraSpecs, {});
  const id = crypto.randomUUID();
  await deps.store.write(async (tx) => {
    if ((await getVolumeTypeByName(tx, req.name)) !== undefined) throw exists(req.name);
    await insertVolumeType(tx, { id, ...req, createdAt: deps.clock().toISOString() });
  });
  const t = await getVolumeType(deps.store.db, id);
  if (t === undefined) throw typeNotFound(id);
  return t;
}

export interface VolumeTypeUpdate {
  readonly name?: string;
  readonly description?: string | null;
  readonly isPublic?: boolean;
}

export async function updateType(
  deps: VolumeDeps,
  id: string,
  req: VolumeTypeUpdate,
): Promise<VolumeTypeRecord> {
  if (req.name !== undefined && req.name.trim() === '')
    throw new InputError('volume.type.empty_name', 'Volume type name can not be empty.');
  if (req.name === undefined && req.description === undefined && req.isPublic === undefined)
    throw new InputError(
      'volume.type.empty_update',
      'Specify volume type name, description, is_public or a combination thereof.',
    );
  await deps.store.write(async (tx) => {
    const t = await getVolumeType(tx, id);
    if (t === undefined) throw typeNotFound(id);
    if (req.name !== undefined && req.name !== t.name) {
      if ((await getVolumeTypeByName(tx, req.name)) !== undefined) throw exists(req.name);
      if (t.name === defaultVolumeTypeName)
        throw new InputError('volume.type.default_rename', 'The default volume type cannot be renamed.');
    }
    await updateVolumeType(tx, id, req);
  });
  const t = await getVolumeType(deps.store.db, id);
  if (t === undefined) throw typeNotFound(id);
  return t;
}

export async function deleteType(deps: VolumeDeps, id: string): Promise<void> {
  await deps.store.write(async (tx) => {
    const t = await getVolumeType(tx, id);
    if (t === undefined) throw typeNotFound(id);
    if (t.name === defaultVolumeTypeName)
      throw new InputError(
        'volume.type.default_delete',
        `The volume type ${id} is a default volume type and cannot be deleted.`,
      );
    if (await typeInUse(tx, id))
      throw new InputError('volume.type.in_use', 'Target volume type is still in use.');
    await deleteVolumeType(tx, id);
  });
}

/** Cinder refuses `cacheable` together with `multiattach`. */
function checkCacheable(
  specs: Readonly<Record<string, string | null>>,
  current: Readonly<Record<string, string | null>>,
) {
  const merged = { ...current, ...specs };
  if (merged['multiattach'] === '<is> True' && merged['cacheable'] === '<is> True')
    throw new InputError('volume.type.cacheable_multiattach', 'cacheable cannot be set with multiattach.');
}

/** Changes a type's extra specs (merge, or delete one key); refused while volumes have the type. */
export async function changeExtraSpecs(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  change: { readonly set: Readonly<Record<string, string | null>> } | { readonly unset: string },
): Promise<void> {
  await deps.store.write(async (tx) => {
    if (await typeInUse(tx, id))
      throw new InputError('volume.type.specs_in_use', 'Volume Type is currently in use.');
    const t = await getVolumeType(tx, id);
    if (t === undefined || !(caller.isAdmin || t.isPublic)) throw typeNotFound(id);
    if ('set' in change) {
      checkCacheable(change.set, t.extraSpecs);
      await setExtraSpecs(tx, id, { ...t.extraSpecs, ...change.set });
      return;
    }
    if (!(change.unset in t.extraSpecs)) throw specNotFound(id, change.unset);
    const { [change.unset]: _gone, ...rest } = t.extraSpecs;
    await setExtraSpecs(tx, id, rest);
  });
}

export function specNotFound(id: string, key: string): NotFoundError {
  return new NotFoundError(
    'volume.type.spec_not_found',
    `Volume Type ${id} has no extra specs with key ${key}.`,
  );
}

export async function typeAccessList(deps: VolumeDeps, id: string): Promise<string[]> {
  const t = await getVolumeType(deps.store.db, id);
  if (t === undefined) throw typeNotFound(id);
  if (t.isPublic)
    throw new NotFoundError(
      'volume.type.access_public',
      'Access list not available for public volume types.',
    );
  return typeProjects(deps.store.db, id);
}

export async function addTypeAccess(deps: VolumeDeps, id: string, projectId: string): Promise<void> {
  await deps.store.write(async (tx) => {
    const t = await getVolumeType(tx, id);
    if (t === undefined) throw typeNotFound(id);
    if (await hasTypeAccess(tx, id, projectId))
      throw new ConflictError(
        'volume.type.access_exists',
        `Volume type access for ${id} / ${projectId} combination already exists.`,
      );
    await addTypeProject(tx, id, projectId);
  });
}

export async function removeTypeAccess(deps: VolumeDeps, id: string, projectId: string): Promise<void> {
  const t = await getVolumeType(deps.store.db, id);
  if (t === undefined) throw typeNotFound(id);
  if (!(await removeTypeProject(deps.store.db, id, projectId)))
    throw new NotFoundError(
      'volume.type.access_not_found',
      `Volume type access not found for ${id} / ${projectId} combination.`,
    );
}
