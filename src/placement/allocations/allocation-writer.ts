import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../../common/errors.js';
import { fitsInventory } from '../inventories/inventory-capacity.js';
import { providerInventories } from '../inventories/inventory-store.js';
import type { AllocationWrite } from '../placement-api.js';
import type { PlacementDeps } from '../placement-deps.js';
import { AllocationConflictError, badRequest, placementCodes } from '../placement-errors.js';
import { unknownResourceClasses } from '../resource-classes/resource-class-service.js';
import { casGeneration, getProviders } from '../resource-providers/provider-store.js';
import { providerUsages } from '../usages/usage-store.js';
import type { AllocationRow, Consumer } from './allocation-store.js';
import * as store from './allocation-store.js';
import type { Tx } from '../../db/db-handle.js';

/** Placement's allocation_conflict_retry_count: races with other writers are retried, not returned. */
const maxRaceRetries = 10;

/**
 * THE allocation write path (HTTP, scheduler, reshaper): replaces the allocations of every
 * consumer in `writes` in one short transaction, or writes nothing. Capacity is checked
 * against the same snapshot whose provider generations are then compare-and-set, so
 * concurrent writers, in this process or another, can never oversubscribe a provider.
 */
export async function writeAllocationsBatch(
  deps: PlacementDeps,
  writes: ReadonlyArray<AllocationWrite>,
): Promise<void> {
  await retryRaces(deps, (tx) => writeAllocationsIn(tx, deps, writes));
}

/**
 * Runs `body` in a transaction, again when it lost a race (a generation compare-and-set
 * or a consumer insert failed), as Placement retries allocation writes. Pinned
 * generations are re-checked on each try, so a real conflict still ends in a 409.
 */
export async function retryRaces<T>(deps: PlacementDeps, body: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.store.db.transaction().execute(body);
    } catch (err) {
      const race =
        (err instanceof AllocationConflictError && err.reason === 'race') ||
        deps.store.traits.isUniqueViolation(err);
      if (!race) throw err;
      if (attempt >= maxRaceRetries) {
        throw new AllocationConflictError(
          'race',
          'Inventory and/or allocations changed while attempting to allocate: Another thread concurrently updated the data. Please retry your update',
        );
      }
      await sleep(Math.random() * 5 * (attempt + 1));
    }
  }
}

/** The transaction body, for callers that already hold one (reshaper). */
export async function writeAllocationsIn(
  tx: Tx,
  deps: PlacementDeps,
  writes: ReadonlyArray<AllocationWrite>,
): Promise<void> {
  checkShape(writes);
  const ids = writes.map((w) => w.consumerId);
  const consumers = await store.getConsumers(tx, ids);
  for (const w of writes) checkConsumerGeneration(w, consumers.get(w.consumerId));
  const old = await store.consumerAllocations(tx, ids);
  const rows = writes.flatMap(rowsOf);
  const unknown = await unknownResourceClasses(
    tx,
    rows.map((r) => r.resourceClass),
  );
  if (unknown.length > 0) {
    throw badRequest(
      `Unable to allocate inventory for consumer ${ids[0]}: No such resource class ${unknown[0]}.`,
    );
  }
  const generations = await providerGenerations(tx, writes, old, rows);
  await checkCapacity(tx, rows, ids);
  const now = deps.clock().toISOString();
  for (const [uuid, generation] of [...generations].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!(await casGeneration(tx, uuid, generation, now)))
      throw new AllocationConflictError('race', 'provider changed');
  }
  await store.replaceAllocations(tx, ids, rows);
  for (const w of writes) await saveConsumer(tx, w, consumers.get(w.consumerId), now);
}

function checkShape(writes: ReadonlyArray<AllocationWrite>): void {
  const seen = new Set<string>();
  for (const w of writes) {
    if (seen.has(w.consumerId))
      throw badRequest(`Consumer ${w.consumerId} appears twice in one allocation request.`);
    seen.add(w.consumerId);
    const providers = new Set(w.allocations.map((a) => a.providerId));
    if (providers.size !== w.allocations.length)
      throw badRequest(`Consumer ${w.consumerId} lists a provider twice.`);
    for (const a of w.allocations) {
      for (const [rc, n] of Object.entries(a.resources)) {
        if (!Number.isInteger(n) || n < 1) {
          throw new InputError(
            placementCodes.undefined,
            `Allocation of ${rc} must be a positive integer, got ${n}.`,
          );
        }
      }
    }
  }
}

function rowsOf(w: AllocationWrite): AllocationRow[] {
  return w.allocations.flatMap((a) =>
    Object.entries(a.resources).map(([resourceClass, used]) => ({
      consumerId: w.consumerId,
      providerUuid: a.providerId,
      resourceClass,
      used,
    })),
  );
}

/** Placement 1.28: null means "must be new", a number must match, undefined is not checked. */
function checkConsumerGeneration(w: AllocationWrite, cur: Consumer | undefined): void {
  const expected = w.consumerGeneration;
  if (expected === undefined) return;
  const actual = cur?.generation ?? null;
  if (expected === actual) return;
  throw new AllocationConflictError(
    'consumer_generation',
    `consumer generation conflict - expected ${expected ?? 'null'} but got ${actual ?? 'None'}`,
  );
}

/** Current generation of every provider the write touches (old and new), checking pinned ones. */
async function providerGenerations(
  tx: Tx,
  writes: ReadonlyArray<AllocationWrite>,
  old: ReadonlyArray<AllocationRow>,
  rows: ReadonlyArray<AllocationRow>,
): Promise<Map<string, number>> {
  const touched = [...new Set([...old, ...rows].map((r) => r.providerUuid))];
  const found = new Map((await getProviders(tx, touched)).map((p) => [p.uuid, p.generation]));
  for (const r of rows) {
    if (!found.has(r.providerUuid)) {
      throw badRequest(`Allocation for resource provider '${r.providerUuid}' that does not exist.`);
    }
  }
  for (const a of writes.flatMap((w) => w.allocations)) {
    if (a.providerGeneration !== undefined && a.providerGeneration !== found.get(a.providerId)) {
      throw new AllocationConflictError(
        'provider_generation',
        `resource provider generation conflict - expected ${a.providerGeneration} but got ${found.get(a.providerId)} for provider ${a.providerId}`,
      );
    }
  }
  return found;
}

/** The one capacity check: what others use plus everything this batch asks, per provider and class. */
async function checkCapacity(
  tx: Tx,
  rows: ReadonlyArray<AllocationRow>,
  consumers: ReadonlyArray<string>,
): Promise<void> {
  const providers = [...new Set(rows.map((r) => r.providerUuid))];
  const inventories = await providerInventories(tx, providers);
  const usages = await providerUsages(tx, providers, consumers);
  const used = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.providerUuid} ${r.resourceClass}`;
    const before = used.get(key) ?? usages.get(r.providerUuid)?.[r.resourceClass] ?? 0;
    const fit = fitsInventory(inventories.get(r.providerUuid)?.[r.resourceClass], before, r.used);
    if (!fit.fits) throw capacityError(fit.reason, r);
    used.set(key, before + r.used);
  }
}

function capacityError(
  reason: 'no_inventory' | 'constraints' | 'capacity',
  r: AllocationRow,
): AllocationConflictError {
  const where = `'${r.resourceClass}' on resource provider '${r.providerUuid}'`;
  const text = {
    no_inventory: `Inventory for ${where} invalid.`,
    constraints: `Unable to create allocation for ${where}. The requested amount would violate inventory constraints.`,
    capacity: `Unable to create allocation for ${where}. The requested amount would exceed the capacity.`,
  }[reason];
  return new AllocationConflictError(reason, `Unable to allocate inventory: ${text}`);
}

/** A consumer lives while it has allocations; each write bumps its generation (compare-and-set). */
async function saveConsumer(
  tx: Tx,
  w: AllocationWrite,
  cur: Consumer | undefined,
  now: string,
): Promise<void> {
  if (w.allocations.length === 0) {
    if (cur !== undefined && !(await store.deleteConsumer(tx, cur)))
      throw new AllocationConflictError('race', 'consumer changed');
    return;
  }
  const next = {
    uuid: w.consumerId,
    projectId: w.projectId,
    userId: w.userId,
    consumerType: w.consumerType ?? cur?.consumerType ?? null,
  };
  if (cur === undefined) await store.insertConsumer(tx, { ...next, generation: 1 }, now);
  else if (!(await store.updateConsumer(tx, { ...cur, ...next }, now))) {
    throw new AllocationConflictError('race', 'consumer changed');
  }
}
