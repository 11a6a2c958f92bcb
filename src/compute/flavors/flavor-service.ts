import { markerNotFound } from '../compute-paging.js';
import type { Static } from 'typebox';
import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import { uuid } from '../../common/ids.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { FlavorSortKey, flavorCreateBody } from './flavor-schemas.js';
import type { Flavor, FlavorFilter, FlavorVisibility, SortableColumn } from './flavor-store.js';
import * as store from './flavor-store.js';

/** Who is asking: admins see every flavor; others see public ones and those shared with their project. */
export interface FlavorCaller {
  readonly isAdmin: boolean;
  readonly projectId?: string;
}

export interface FlavorListRequest {
  readonly isPublic?: string;
  readonly minRam?: string;
  readonly minDisk?: string;
  readonly sortKey?: FlavorSortKey;
  readonly sortDir?: 'asc' | 'desc';
  readonly limit: number;
  readonly marker?: string;
}

// Nova's sort keys name its own columns; these are Strata's equivalents (no updated_at or vcpu_weight).
const sortColumns: Readonly<Record<FlavorSortKey, SortableColumn>> = {
  created_at: 'created_at',
  description: 'description',
  disabled: 'disabled',
  ephemeral_gb: 'ephemeral',
  flavorid: 'id',
  id: 'created_at',
  is_public: 'is_public',
  memory_mb: 'ram',
  name: 'name',
  root_gb: 'disk',
  rxtx_factor: 'rxtx_factor',
  swap: 'swap',
  updated_at: 'created_at',
  vcpu_weight: 'id',
  vcpus: 'vcpus',
};

export function flavorNotFound(id: string): NotFoundError {
  return new NotFoundError('compute.flavor.not_found', `Flavor ${id} could not be found.`);
}

/** Private flavors not shared with the caller's project look absent (404), as in Nova. */
export function visibilityFor(caller: FlavorCaller): FlavorVisibility | undefined {
  if (caller.isAdmin) return undefined;
  return caller.projectId === undefined
    ? { isPublic: true }
    : { isPublic: true, projectId: caller.projectId };
}

export async function findFlavor(deps: ComputeDeps, caller: FlavorCaller, id: string): Promise<Flavor> {
  const f = await store.getFlavor(deps.store.db, id, visibilityFor(caller));
  if (f === undefined) throw flavorNotFound(id);
  return f;
}

export async function listFlavors(
  deps: ComputeDeps,
  caller: FlavorCaller,
  req: FlavorListRequest,
): Promise<Flavor[]> {
  const filter: FlavorFilter = {
    ...listVisibility(caller, req.isPublic),
    ...(req.minRam !== undefined && { minRam: intFilter('minRam', req.minRam) }),
    ...(req.minDisk !== undefined && { minDisk: intFilter('minDisk', req.minDisk) }),
  };
  let after: Flavor | undefined;
  if (req.marker !== undefined) {
    after = await store.getFlavor(deps.store.db, req.marker, filter);
    if (after === undefined) throw markerNotFound(req.marker);
  }
  return store.listFlavors(deps.store.db, filter, {
    sortColumn: sortColumns[req.sortKey ?? 'flavorid'],
    sortDir: req.sortDir ?? 'asc',
    limit: req.limit,
    ...(after !== undefined && { after }),
  });
}

/** Only admins choose `is_public` (default true: public plus shared); others see enabled public/shared ones. */
function listVisibility(caller: FlavorCaller, isPublic: string | undefined): FlavorVisibility {
  const project = caller.projectId === undefined ? {} : { projectId: caller.projectId };
  if (!caller.isAdmin) return { isPublic: true, enabledOnly: true, ...project };
  if (isPublic === undefined) return { isPublic: true, ...project };
  if (isPublic.trim().toLowerCase() === 'none') return { isPublic: null };
  const parsed = strictBoolean(isPublic);
  if (parsed === undefined) {
    throw new InputError('compute.flavor.bad_is_public', `Invalid is_public filter [${isPublic}]`);
  }
  return { isPublic: parsed, ...project };
}

function intFilter(name: string, raw: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(raw)) {
    throw new InputError(`compute.flavor.bad_${name}`, `Invalid ${name} filter [${raw}]`);
  }
  return Number(raw);
}

/** oslo's strict bool_from_string. */
export function strictBoolean(v: string | boolean): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = v.trim().toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(s)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(s)) return false;
  return undefined;
}

type CreateBody = Static<typeof flavorCreateBody>['flavor'];

/** Creates a flavor; a taken id or name is 409 and nothing is written. */
export async function createFlavor(deps: ComputeDeps, body: CreateBody): Promise<Flavor> {
  const flavor = newFlavor(body, deps.clock().toISOString());
  const db = deps.store.db;
  await uniqueWrite(
    deps.store.traits,
    () =>
      db.transaction().execute(async (tx) => {
        if ((await store.getFlavor(tx, flavor.id)) !== undefined) throw idExists(flavor.id);
        if ((await store.getFlavorByName(tx, flavor.name)) !== undefined) throw nameExists(flavor.name);
        await store.insertFlavor(tx, flavor);
      }),
    () => nameExists(flavor.name),
  );
  return flavor;
}

function newFlavor(b: CreateBody, now: string): Flavor {
  const autoId = b.id === undefined || b.id === null || b.id === '' || b.id === 'auto' || b.id === 0;
  return {
    id: autoId ? uuid() : String(b.id),
    name: b.name.trim(),
    vcpus: Number(b.vcpus),
    ram: Number(b.ram),
    disk: Number(b.disk),
    ephemeral: Number(b['OS-FLV-EXT-DATA:ephemeral'] ?? 0),
    swap: Number(b.swap ?? 0),
    rxtxFactor: Number(b.rxtx_factor ?? 1),
    isPublic: strictBoolean(b['os-flavor-access:is_public'] ?? true) ?? true,
    disabled: false,
    description: b.description ?? null,
    extraSpecs: {},
    createdAt: now,
  };
}

const idExists = (id: string) =>
  new ConflictError('compute.flavor.id_exists', `Flavor with ID ${id} already exists.`);
const nameExists = (name: string) =>
  new ConflictError('compute.flavor.name_exists', `Flavor with name ${name} already exists.`);

/** 2.55: any flavor's description (private ones too, as Nova's update finds them). */
export async function setFlavorDescription(
  deps: ComputeDeps,
  id: string,
  description: string | null,
): Promise<Flavor> {
  if (!(await store.setDescription(deps.store.db, id, description))) throw flavorNotFound(id);
  return (await store.getFlavor(deps.store.db, id))!;
}

/** Servers keep their embedded copy, so deleting a flavor in use is allowed, as in Nova. */
export async function deleteFlavor(deps: ComputeDeps, id: string): Promise<void> {
  const deleted = await deps.store.db.transaction().execute((tx) => store.deleteFlavor(tx, id));
  if (!deleted) throw flavorNotFound(id);
}
