import { ConflictError, NotFoundError } from '../../common/errors.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { ComputeDeps } from '../compute-deps.js';
import { flavorNotFound } from './flavor-service.js';
import * as store from './flavor-store.js';

const accessExists = (flavorId: string, projectId: string) =>
  new ConflictError(
    'compute.flavor.access_exists',
    `Flavor access already exists for flavor ${flavorId} and project ${projectId} combination.`,
  );

async function requireFlavor(deps: ComputeDeps, flavorId: string) {
  const f = await store.getFlavor(deps.store.db, flavorId);
  if (f === undefined) throw flavorNotFound(flavorId);
  return f;
}

/** Projects a private flavor is shared with; a public flavor has no list (404, as Nova answers). */
export async function listFlavorAccess(deps: ComputeDeps, flavorId: string): Promise<string[]> {
  const f = await requireFlavor(deps, flavorId);
  if (f.isPublic) {
    throw new NotFoundError('compute.flavor.access_public', 'Access list not available for public flavors.');
  }
  return store.listFlavorProjects(deps.store.db, flavorId);
}

/**
 * Shares a flavor with a project. Before microversion 2.7 sharing a public flavor is
 * accepted (and has no effect until the flavor is made private); from 2.7 it is a 409.
 */
export async function addFlavorAccess(
  deps: ComputeDeps,
  flavorId: string,
  projectId: string,
  refusePublic: boolean,
): Promise<string[]> {
  const f = await requireFlavor(deps, flavorId);
  if (f.isPublic && refusePublic)
    throw new ConflictError('compute.flavor.access_public', `Can not add access to a public flavor.`);
  try {
    await uniqueWrite(
      deps.store.traits,
      () => store.addFlavorProject(deps.store.db, flavorId, projectId),
      () => accessExists(flavorId, projectId),
    );
  } catch (err) {
    // The flavor was deleted since it was read.
    if (deps.store.traits.isForeignKeyViolation(err)) throw flavorNotFound(flavorId);
    throw err;
  }
  return store.listFlavorProjects(deps.store.db, flavorId);
}

export async function removeFlavorAccess(
  deps: ComputeDeps,
  flavorId: string,
  projectId: string,
): Promise<string[]> {
  await requireFlavor(deps, flavorId);
  if (!(await store.removeFlavorProject(deps.store.db, flavorId, projectId))) {
    throw new NotFoundError(
      'compute.flavor.access_not_found',
      `Flavor access not found for ${flavorId} / ${projectId} combination.`,
    );
  }
  return store.listFlavorProjects(deps.store.db, flavorId);
}
