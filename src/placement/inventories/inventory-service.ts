import type { PlacementDeps } from '../placement-deps.js';
import {
  badRequest,
  conflict,
  generationConflict,
  placementCodes,
  providerNotFound,
} from '../placement-errors.js';
import { unknownResourceClasses } from '../resource-classes/resource-class-service.js';
import { casGeneration, getProvider } from '../resource-providers/provider-store.js';
import { providerUsages } from '../usages/usage-store.js';
import type { InventoryLimits } from './inventory-capacity.js';
import { capacityOf } from './inventory-capacity.js';
import { providerInventories, replaceInventories } from './inventory-store.js';
import type { Tx } from '../../db/db-handle.js';

export type Inventories = Readonly<Record<string, InventoryLimits>>;

export interface ProviderInventories {
  readonly generation: number;
  readonly inventories: Inventories;
}

export interface InventoryChangeOptions {
  /** Placement 1.26+ accepts reserved == total (a fully reserved class). */
  readonly reservedMayEqualTotal: boolean;
  /** Reshaper moves allocations in the same transaction, so usage is checked afterwards. */
  readonly skipUsageCheck?: boolean;
}

export async function getInventories(deps: PlacementDeps, uuid: string): Promise<ProviderInventories> {
  const p = await getProvider(deps.store.db, uuid);
  if (p === undefined) throw providerNotFound(uuid);
  const inv = await providerInventories(deps.store.db, [uuid]);
  return { generation: p.generation, inventories: inv.get(uuid) ?? {} };
}

/**
 * Every inventory write: in one transaction, reads the current set, applies `mutate`,
 * validates, refuses to drop a class that is allocated, then compare-and-sets the provider
 * generation (`expected`, or the current one when undefined) and writes.
 */
export async function changeInventories(
  deps: PlacementDeps,
  uuid: string,
  expected: number | undefined,
  mutate: (current: Inventories) => Inventories,
  opts: InventoryChangeOptions,
): Promise<ProviderInventories> {
  return deps.store.db
    .transaction()
    .execute((tx) => changeInventoriesIn(tx, deps, uuid, expected, mutate, opts));
}

/** The body of changeInventories, for callers that already hold a transaction (reshaper). */
export async function changeInventoriesIn(
  tx: Tx,
  deps: PlacementDeps,
  uuid: string,
  expected: number | undefined,
  mutate: (current: Inventories) => Inventories,
  opts: InventoryChangeOptions,
): Promise<ProviderInventories> {
  const p = await getProvider(tx, uuid);
  if (p === undefined) throw providerNotFound(uuid);
  const next = mutate((await providerInventories(tx, [uuid])).get(uuid) ?? {});
  await validateInventories(tx, uuid, next, opts);
  if (opts.skipUsageCheck !== true)
    checkUsage(deps, uuid, next, (await providerUsages(tx, [uuid])).get(uuid) ?? {});
  const generation = expected ?? p.generation;
  if (!(await casGeneration(tx, uuid, generation, deps.clock().toISOString()))) throw generationConflict();
  await replaceInventories(tx, uuid, next);
  return { generation: generation + 1, inventories: next };
}

async function validateInventories(
  tx: Tx,
  uuid: string,
  next: Inventories,
  opts: InventoryChangeOptions,
): Promise<void> {
  const unknown = await unknownResourceClasses(tx, Object.keys(next));
  if (unknown.length > 0) {
    throw badRequest(
      `Unknown resource class in inventory for resource provider ${uuid}: ${unknown.join(', ')}`,
    );
  }
  for (const [rc, i] of Object.entries(next)) {
    const tooMuch = opts.reservedMayEqualTotal ? i.reserved > i.total : i.reserved >= i.total;
    if (tooMuch && !(i.reserved === 0 && i.total === 0)) {
      throw badRequest(
        `Unable to update inventory for resource provider ${uuid}: Invalid inventory for '${rc}' on resource provider '${uuid}'. The reserved value is greater than or equal to total.`,
      );
    }
    if (i.minUnit > i.maxUnit) {
      throw badRequest(
        `Unable to update inventory for resource provider ${uuid}: Invalid inventory for '${rc}' on resource provider '${uuid}'. The min_unit value is greater than max_unit.`,
      );
    }
  }
}

/**
 * As in Placement: dropping a class that holds allocations is a 409; shrinking one below
 * what is allocated is accepted (new claims then fail on capacity) and logged.
 */
export function checkUsage(
  deps: PlacementDeps,
  uuid: string,
  next: Inventories,
  used: Readonly<Record<string, number>>,
): void {
  for (const [rc, amount] of Object.entries(used)) {
    if (amount <= 0) continue;
    const inv = next[rc];
    if (inv === undefined) {
      throw conflict(
        placementCodes.inventoryInUse,
        `Inventory for '${rc}' on resource provider '${uuid}' in use.`,
      );
    }
    if (capacityOf(inv) < amount)
      deps.log.warn(
        { resource_provider: uuid, resource_class: rc, used: amount, capacity: capacityOf(inv) },
        'inventory set below what is allocated; the provider is over capacity',
      );
  }
}
