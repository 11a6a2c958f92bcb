import type { PlacementDeps } from '../placement-deps.js';
import {
  badRequest,
  conflict,
  generationConflict,
  notFound,
  placementCodes,
  providerNotFound,
} from '../placement-errors.js';
import { casGeneration, getProvider } from '../resource-providers/provider-store.js';
import { standardTraits } from '../standards/standard-traits.js';
import * as store from './trait-store.js';
import type { Db } from '../../db/db-handle.js';

/** The names among `names` that are neither standard nor stored custom traits. */
export async function unknownTraits(db: Db, names: Iterable<string>): Promise<string[]> {
  const candidates = [...new Set(names)].filter((n) => !standardTraits.has(n));
  const known = new Set(await store.listCustomTraits(db, candidates));
  return candidates.filter((n) => !known.has(n));
}

/** Placement's 400 for unknown traits, listing them all. */
export async function requireTraits(db: Db, names: Iterable<string>, prefix = ''): Promise<void> {
  const unknown = await unknownTraits(db, names);
  if (unknown.length > 0) throw badRequest(`${prefix}No such trait(s): ${unknown.join(', ')}`);
}

export interface TraitFilter {
  readonly startsWith?: string;
  readonly names?: ReadonlyArray<string>;
  readonly associated?: boolean;
}

export async function listTraits(deps: PlacementDeps, f: TraitFilter): Promise<string[]> {
  const all = [...standardTraits, ...(await store.listCustomTraits(deps.store.db))].sort();
  const used = f.associated === undefined ? undefined : await store.associatedTraits(deps.store.db);
  return all.filter(
    (t) =>
      (f.startsWith === undefined || t.startsWith(f.startsWith)) &&
      (f.names === undefined || f.names.includes(t)) &&
      (used === undefined || used.has(t) === f.associated),
  );
}

export async function traitExists(deps: PlacementDeps, name: string): Promise<boolean> {
  return (await unknownTraits(deps.store.db, [name])).length === 0;
}

/** PUT /traits/{name}: true when the trait was created. Only CUSTOM_* traits can be created. */
export async function ensureTrait(deps: PlacementDeps, name: string): Promise<boolean> {
  if (!/^CUSTOM_[A-Z0-9_]+$/.test(name)) {
    throw badRequest(
      `The trait is invalid. A valid trait must be no longer than 255 characters, start with the prefix "CUSTOM_" and use following characters: "A"-"Z", "0"-"9" and "_"`,
    );
  }
  if (await traitExists(deps, name)) return false;
  try {
    await store.insertCustomTrait(deps.store.db, name, deps.clock().toISOString());
    return true;
  } catch (err) {
    if (deps.store.traits.isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function deleteTrait(deps: PlacementDeps, name: string): Promise<void> {
  if (standardTraits.has(name)) throw badRequest(`Cannot delete standard trait ${name}.`);
  await deps.store.db.transaction().execute(async (tx) => {
    if (await store.traitInUse(tx, name)) {
      throw conflict(placementCodes.undefined, `The trait ${name} is in use by a resource provider.`);
    }
    if ((await store.deleteCustomTrait(tx, name)) === 0) throw notFound(`No such trait(s): ${name}`);
  });
}

export interface ProviderTraits {
  readonly traits: ReadonlyArray<string>;
  readonly generation: number;
}

export async function getProviderTraits(deps: PlacementDeps, uuid: string): Promise<ProviderTraits> {
  const p = await getProvider(deps.store.db, uuid);
  if (p === undefined) throw providerNotFound(uuid);
  return { traits: await store.providerTraits(deps.store.db, uuid), generation: p.generation };
}

/** Replaces a provider's traits if `generation` is current (undefined: whatever is current). */
export async function setProviderTraits(
  deps: PlacementDeps,
  uuid: string,
  generation: number | undefined,
  traits: ReadonlyArray<string>,
): Promise<ProviderTraits> {
  return deps.store.db.transaction().execute(async (tx) => {
    const p = await getProvider(tx, uuid);
    if (p === undefined) throw providerNotFound(uuid);
    await requireTraits(tx, traits);
    const expected = generation ?? p.generation;
    if (!(await casGeneration(tx, uuid, expected, deps.clock().toISOString()))) throw generationConflict();
    await store.replaceProviderTraits(tx, uuid, traits);
    return { traits: [...new Set(traits)].sort(), generation: expected + 1 };
  });
}
