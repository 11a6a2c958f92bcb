import { randomUUID } from 'node:crypto';
import { uniqueWrite } from '../../db/unique-write.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest, conflict, notFound, placementCodes, providerNotFound } from '../placement-errors.js';
import type { Provider } from './provider-store.js';
import * as store from './provider-store.js';
import type { Tx } from '../../db/db-handle.js';

export interface ProviderInput {
  readonly uuid?: string;
  readonly name: string;
  /** Undefined on update means "keep the current parent". */
  readonly parentUuid?: string | null;
}

export async function findProvider(deps: PlacementDeps, uuid: string): Promise<Provider> {
  const p = await store.getProvider(deps.store.db, uuid);
  if (p === undefined) throw providerNotFound(uuid);
  return p;
}

export async function createProvider(deps: PlacementDeps, input: ProviderInput): Promise<Provider> {
  const uuid = input.uuid ?? randomUUID();
  return deps.store.db.transaction().execute(async (tx) => {
    if ((await store.getProvider(tx, uuid)) !== undefined) throw duplicate(`uuid: ${uuid}`);
    const parent = input.parentUuid ? await store.getProvider(tx, input.parentUuid) : undefined;
    if (input.parentUuid && parent === undefined) {
      throw badRequest(
        `Unable to create resource provider "${input.name}", ${uuid}: parent provider UUID does not exist.`,
      );
    }
    const now = deps.clock().toISOString();
    const p = {
      uuid,
      name: input.name,
      generation: 0,
      parentUuid: parent?.uuid ?? null,
      rootUuid: parent?.rootUuid ?? uuid,
    };
    await uniqueWrite(
      deps.store.traits,
      () => store.insertProvider(tx, p, now),
      () => duplicate(`name: ${input.name}`),
    );
    return { ...p, updatedAt: now };
  });
}

/** Renames and (re)parents. Before 1.37 a provider that has a parent keeps it. */
export async function updateProvider(
  deps: PlacementDeps,
  uuid: string,
  input: ProviderInput,
  allowReparenting: boolean,
): Promise<Provider> {
  return deps.store.db.transaction().execute(async (tx) => {
    const cur = await store.getProvider(tx, uuid);
    if (cur === undefined) throw providerNotFound(uuid);
    const parentUuid = input.parentUuid === undefined ? cur.parentUuid : input.parentUuid;
    const now = deps.clock().toISOString();
    let rootUuid = cur.rootUuid;
    if (parentUuid !== cur.parentUuid) {
      rootUuid = await reparent(tx, cur, parentUuid, allowReparenting);
    }
    await uniqueWrite(
      deps.store.traits,
      () => store.updateProvider(tx, uuid, { name: input.name, parentUuid }, now),
      () => duplicate(`name: ${input.name}`),
    );
    return { ...cur, name: input.name, parentUuid, rootUuid, updatedAt: now };
  });
}

/** Moves `p` and its subtree under `parentUuid` (or makes it a root); returns the new root. */
async function reparent(
  tx: Tx,
  p: Provider,
  parentUuid: string | null,
  allowReparenting: boolean,
): Promise<string> {
  const why = (text: string) =>
    badRequest(`Unable to save resource provider ${p.uuid}: Object action update failed because: ${text}`);
  if (p.parentUuid !== null && !allowReparenting) {
    throw why(
      parentUuid === null
        ? 'un-parenting a provider is not currently allowed.'
        : 're-parenting a provider is not currently allowed.',
    );
  }
  const subtree = subtreeOf(await store.listTree(tx, p.rootUuid), p.uuid);
  let newRoot = p.uuid;
  if (parentUuid !== null) {
    if (subtree.includes(parentUuid)) throw why('creating loop in the provider tree is not allowed.');
    const parent = await store.getProvider(tx, parentUuid);
    if (parent === undefined) throw why('parent provider UUID does not exist.');
    newRoot = parent.rootUuid;
  }
  await store.setRoot(tx, subtree, newRoot);
  return newRoot;
}

/** `uuid` and every provider below it. */
function subtreeOf(tree: ReadonlyArray<Provider>, uuid: string): string[] {
  const out = [uuid];
  for (let i = 0; i < out.length; i++) {
    for (const c of tree) if (c.parentUuid === out[i]) out.push(c.uuid);
  }
  return out;
}

export async function deleteProvider(deps: PlacementDeps, uuid: string): Promise<void> {
  await deps.store.db.transaction().execute(async (tx) => {
    if ((await store.getProvider(tx, uuid)) === undefined) {
      throw notFound(`No resource provider with uuid ${uuid} found for delete`);
    }
    if (await store.hasAllocations(tx, uuid)) {
      throw conflict(
        placementCodes.providerInUse,
        `Unable to delete resource provider ${uuid}: Resource provider has allocations.`,
      );
    }
    if ((await store.countChildren(tx, uuid)) > 0) {
      throw conflict(
        placementCodes.cannotDeleteParent,
        `Unable to delete parent resource provider ${uuid}: It has child resource providers.`,
      );
    }
    await store.deleteProvider(tx, uuid);
  });
}

function duplicate(what: string) {
  return conflict(placementCodes.duplicateName, `Conflicting resource provider ${what} already exists.`);
}
