import { uniqueWrite } from '../../db/unique-write.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest, conflict, notFound, placementCodes } from '../placement-errors.js';
import { standardResourceClassSet, standardResourceClasses } from '../standards/standard-resource-classes.js';
import * as store from './resource-class-store.js';
import type { Db } from '../../db/db-handle.js';

/** The names among `names` that are neither standard nor a stored custom class. */
export async function unknownResourceClasses(db: Db, names: Iterable<string>): Promise<string[]> {
  const candidates = [...new Set(names)].filter((n) => !standardResourceClassSet.has(n));
  const known = new Set(await store.listCustomClasses(db, candidates));
  return candidates.filter((n) => !known.has(n));
}

/** Throws Placement's 400 when a class is unknown, naming the first one. */
export async function requireResourceClasses(db: Db, names: Iterable<string>): Promise<void> {
  const unknown = await unknownResourceClasses(db, names);
  if (unknown.length > 0) throw badRequest(`No such resource class ${unknown[0]}.`);
}

export async function listResourceClasses(deps: PlacementDeps): Promise<string[]> {
  return [...standardResourceClasses, ...(await store.listCustomClasses(deps.store.db))];
}

export async function showResourceClass(deps: PlacementDeps, name: string): Promise<string> {
  if ((await unknownResourceClasses(deps.store.db, [name])).length > 0) {
    throw notFound(`No such resource class ${name}.`);
  }
  return name;
}

export async function createResourceClass(deps: PlacementDeps, name: string): Promise<void> {
  if (standardResourceClassSet.has(name)) throw duplicate(name);
  await uniqueWrite(
    deps.store.traits,
    () => store.insertCustomClass(deps.store.db, name, deps.clock().toISOString()),
    () => duplicate(name),
  );
}

/** 1.7+: PUT creates a custom class if missing; returns true when it created one. */
export async function ensureResourceClass(deps: PlacementDeps, name: string): Promise<boolean> {
  if (!name.startsWith('CUSTOM_')) throw badRequest(`Cannot update standard resource class ${name}`);
  if ((await store.listCustomClasses(deps.store.db, [name])).length > 0) return false;
  try {
    await store.insertCustomClass(deps.store.db, name, deps.clock().toISOString());
    return true;
  } catch (err) {
    if (deps.store.traits.isUniqueViolation(err)) return false;
    throw err;
  }
}

/** 1.2 - 1.6: PUT renames a custom class that no inventory uses. */
export async function renameResourceClass(deps: PlacementDeps, from: string, to: string): Promise<void> {
  if (standardResourceClassSet.has(from)) throw badRequest(`Cannot update standard resource class ${from}`);
  await showResourceClass(deps, from);
  if (await store.classInUse(deps.store.db, from)) throw inUse(from);
  if (standardResourceClassSet.has(to)) throw duplicate(to);
  await uniqueWrite(
    deps.store.traits,
    () => store.renameCustomClass(deps.store.db, from, to),
    () => duplicate(to),
  );
}

export async function deleteResourceClass(deps: PlacementDeps, name: string): Promise<void> {
  if (standardResourceClassSet.has(name)) {
    throw badRequest(`Cannot delete standard resource class ${name}: Cannot delete standard resource class`);
  }
  await showResourceClass(deps, name);
  await deps.store.db.transaction().execute(async (tx) => {
    if (await store.classInUse(tx, name)) throw inUse(name);
    await store.deleteCustomClass(tx, name);
  });
}

function duplicate(name: string) {
  return conflict(placementCodes.duplicateName, `Conflicting resource class already exists: ${name}`);
}

function inUse(name: string) {
  return conflict(
    placementCodes.undefined,
    `Unable to delete resource class ${name}. The resource class is in use in inventory.`,
  );
}
