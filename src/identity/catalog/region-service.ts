import { ForbiddenError, InputError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { IdentityDeps } from '../identity-deps.js';
import { duplicate, notFound } from '../identity-errors.js';
import { extrasOf } from '../identity-extras.js';
import { invalidateCatalog } from './catalog-cache.js';
import type { Region } from './region-store.js';
import * as store from './region-store.js';
import type { Db } from '../../db/db-handle.js';

const known = ['id', 'description', 'parent_region_id'];

export interface RegionBody {
  readonly id?: string;
  readonly description?: string | null;
  readonly parent_region_id?: string | null;
  readonly [extra: string]: unknown;
}

export async function findRegion(deps: IdentityDeps, id: string): Promise<Region> {
  const r = await store.getRegion(deps.store.db, id);
  if (r === undefined) throw notFound('region', id);
  return r;
}

export function listRegions(deps: IdentityDeps, filter: { parentRegionId?: string }): Promise<Region[]> {
  return store.listRegions(deps.store.db, filter);
}

/**
 * POST creates with the body's id or a new one; PUT passes `urlId`, which the body may
 * repeat but not contradict. A missing parent is 404, a taken id 409 (Keystone's answers).
 */
export async function createRegion(deps: IdentityDeps, body: RegionBody, urlId?: string): Promise<Region> {
  if (urlId !== undefined && body.id !== undefined && body.id !== urlId) {
    throw new InputError(
      'identity.region.id_mismatch',
      `Conflicting region IDs specified: "${urlId}" != "${body.id}"`,
    );
  }
  const region: Region = {
    id: urlId ?? (body.id !== undefined && body.id !== '' ? body.id : hexId()),
    description: body.description ?? '',
    parentRegionId: body.parent_region_id ?? null,
    extra: extrasOf(body, known),
  };
  await deps.store.db.transaction().execute(async (tx) => {
    if ((await store.getRegion(tx, region.id)) !== undefined) throw duplicateRegion(region.id);
    if (region.parentRegionId !== null) await requireRegion(tx, region.parentRegionId);
    await uniqueWrite(
      deps.store.traits,
      () => store.insertRegion(tx, region),
      () => duplicateRegion(region.id),
    );
  });
  invalidateCatalog(deps);
  return region;
}

export async function updateRegion(deps: IdentityDeps, id: string, patch: RegionBody): Promise<Region> {
  if (patch.id !== undefined && patch.id !== id)
    throw new InputError('identity.region.id_immutable', 'Cannot change ID');
  const next = await deps.store.db.transaction().execute(async (tx) => {
    const cur = await requireRegion(tx, id);
    const r: Region = {
      ...cur,
      ...(patch.description !== undefined && { description: patch.description ?? '' }),
      ...(patch.parent_region_id !== undefined && { parentRegionId: patch.parent_region_id }),
      extra: { ...cur.extra, ...extrasOf(patch, known) },
    };
    if (r.parentRegionId !== null && r.parentRegionId !== cur.parentRegionId)
      await assertNoCycle(tx, id, r.parentRegionId);
    await store.updateRegion(tx, r);
    return r;
  });
  invalidateCatalog(deps);
  return next;
}

/**
 * Deletes the region and its child regions, as Keystone does, unless any of them still
 * has endpoints: that is 403 and nothing is deleted.
 */
export async function deleteRegion(deps: IdentityDeps, id: string): Promise<void> {
  await deps.store.db.transaction().execute(async (tx) => {
    await requireRegion(tx, id);
    const subtree = await subtreeOf(tx, id);
    if ((await store.countEndpointsIn(tx, subtree)) > 0) {
      throw new ForbiddenError(
        'identity.region.has_endpoints',
        `Unable to delete region ${id} because it or its child regions have associated endpoints.`,
      );
    }
    await store.deleteRegions(tx, [...subtree].reverse());
  });
  invalidateCatalog(deps);
}

/** The region and all its descendants, parents before children. */
async function subtreeOf(db: Db, id: string): Promise<string[]> {
  const seen = [id];
  let frontier = [id];
  while (frontier.length > 0) {
    frontier = (await store.listChildIds(db, frontier)).filter((c) => !seen.includes(c));
    seen.push(...frontier);
  }
  return seen;
}

/** Walks up from the new parent; meeting `id` would close a loop. A missing parent is 404. */
async function assertNoCycle(db: Db, id: string, parentId: string): Promise<void> {
  let cursor: string | null = parentId;
  const visited = new Set<string>();
  while (cursor !== null && !visited.has(cursor)) {
    if (cursor === id) {
      throw new InputError(
        'identity.region.circular',
        `The specified parent region ${parentId} would create a circular region hierarchy.`,
      );
    }
    visited.add(cursor);
    cursor = (await requireRegion(db, cursor)).parentRegionId;
  }
}

async function requireRegion(db: Db, id: string): Promise<Region> {
  const r = await store.getRegion(db, id);
  if (r === undefined) throw notFound('region', id);
  return r;
}

function duplicateRegion(id: string) {
  return duplicate('region', `Duplicate ID, ${id}.`);
}
