import type { Tx } from '../db/db-handle.js';
import { nestedStore } from '../db/nested-write.js';
import type { AttributeMap } from './network-attributes.js';
import { parseCreate, resourceBody } from './network-attributes.js';
import type { NetworkDeps } from './network-deps.js';
import { httpBadRequest } from './network-errors.js';

/**
 * Neutron's bulk create: `POST /v2.0/ports` with `{"ports": [{...}, {...}]}` makes every
 * port or none, and answers `{"ports": [...]}` in the order asked. It is part of the core
 * API (no extension advertises it); Neutron's clients and Heat use it.
 */

type Item = Record<string, unknown>;

/**
 * The items of a bulk body, each as the single create's resource object, or undefined when
 * the body names the single resource. Worded as Neutron's prepare_request_body words it:
 * an item may be the bare object or `{"port": {...}}`.
 */
export function bulkItems(body: unknown, resource: string, collection: string): Item[] | undefined {
  if (body === null || typeof body !== 'object' || !(collection in body)) return undefined;
  const list = (body as Record<string, unknown>)[collection];
  if (isEmpty(list)) throw httpBadRequest('Resources required');
  if (!Array.isArray(list)) throw httpBadRequest(`Object '${resource}' contains invalid data`);
  return list.map((item: unknown) => itemBody(item, resource));
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function itemBody(item: unknown, resource: string): Item {
  if (item === null || typeof item === 'number' || typeof item === 'boolean')
    throw httpBadRequest('Body contains invalid data');
  if (typeof item === 'object' && !Array.isArray(item) && resource in item)
    return resourceBody(item, resource);
  if (typeof item !== 'object' || Array.isArray(item))
    throw httpBadRequest(`Object '${resource}' contains invalid data`);
  return item as Item;
}

/**
 * Creates every item in one transaction with the single create's own code (its writes
 * become savepoints, see nestedStore): the first failure rolls back all and is answered.
 * Every item's attributes are checked before anything is written, as Neutron checks the
 * whole body first. `before` runs first inside the transaction (locks).
 */
export async function createAll<T>(
  deps: NetworkDeps,
  attributes: AttributeMap,
  items: ReadonlyArray<Item>,
  create: (deps: NetworkDeps, item: Item) => Promise<T>,
  before?: (tx: Tx) => Promise<void>,
): Promise<T[]> {
  for (const item of items) parseCreate(attributes, item);
  return deps.store.write(async (tx) => {
    await before?.(tx);
    const inner: NetworkDeps = { ...deps, store: nestedStore(deps.store, tx) };
    const created: T[] = [];
    for (const item of items) created.push(await create(inner, item));
    return created;
  });
}
