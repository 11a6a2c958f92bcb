import { ConflictError } from '../common/errors.js';
import { getProviderAggregates, setProviderAggregates } from './aggregates/aggregate-service.js';
import { byProvider } from './allocations/allocation-service.js';
import { consumerAllocations, getConsumers, providerAllocations } from './allocations/allocation-store.js';
import { writeAllocationsBatch, writeAllocationsIn } from './allocations/allocation-writer.js';
import type { InventoryLimits } from './inventories/inventory-capacity.js';
import { inventoryDefaults } from './inventories/inventory-capacity.js';
import { changeInventories, getInventories } from './inventories/inventory-service.js';
import type { PlacementApi, ProviderConsumer, ProviderRegistration } from './placement-api.js';
import type { PlacementDeps } from './placement-deps.js';
import { placementCodes } from './placement-errors.js';
import { ensureResourceClass } from './resource-classes/resource-class-service.js';
import { createProvider, deleteProvider, updateProvider } from './resource-providers/provider-service.js';
import { loadSnapshot } from './resource-providers/provider-snapshot-store.js';
import { getProvider } from './resource-providers/provider-store.js';
import { ensureTrait, getProviderTraits, setProviderTraits } from './traits/trait-service.js';

/** The in-process API: the same services and the same allocation writer as the HTTP routes. */
export function createPlacementApi(deps: PlacementDeps): PlacementApi {
  return {
    snapshot: (filter) => loadSnapshot(deps.store.db, filter),
    writeAllocations: (write) => writeAllocationsBatch(deps, [write]),
    writeAllocationsInTx: (tx, write) => writeAllocationsIn(tx, deps, [write]),
    writeAllocationsBatch: (writes) => writeAllocationsBatch(deps, writes),
    deleteAllocations: (consumerId) =>
      writeAllocationsBatch(deps, [{ consumerId, projectId: '', userId: '', allocations: [] }]),
    ensureProvider: (p) => ensureProvider(deps, p),
    removeProvider: async (uuid) => {
      if ((await getProvider(deps.store.db, uuid)) !== undefined) await deleteProvider(deps, uuid);
    },
    setAggregateMembership: (provider, aggregate, member) =>
      setAggregateMembership(deps, provider, aggregate, member),
    providerConsumers: (uuid) => providerConsumers(deps, uuid),
    getAllocations: async (consumerId) => byProvider(await consumerAllocations(deps.store.db, [consumerId])),
  };
}

async function providerConsumers(deps: PlacementDeps, uuid: string): Promise<ProviderConsumer[]> {
  const rows = await providerAllocations(deps.store.db, uuid);
  const consumers = await getConsumers(deps.store.db, [...new Set(rows.map((r) => r.consumerId))]);
  const out = new Map<string, Record<string, number>>();
  for (const r of rows)
    (out.get(r.consumerId) ?? out.set(r.consumerId, {}).get(r.consumerId)!)[r.resourceClass] = r.used;
  return [...out].map(([consumerId, resources]) => ({
    consumerId,
    consumerType: consumers.get(consumerId)?.consumerType ?? null,
    resources,
  }));
}

async function setAggregateMembership(
  deps: PlacementDeps,
  provider: string,
  aggregate: string,
  member: boolean,
): Promise<boolean> {
  if ((await getProvider(deps.store.db, provider)) === undefined) return false;
  await untilSettled(async () => {
    const now = await getProviderAggregates(deps, provider);
    const others = now.aggregates.filter((a) => a !== aggregate);
    if (others.length !== now.aggregates.length - (member ? 1 : 0)) {
      await setProviderAggregates(deps, provider, now.generation, member ? [...others, aggregate] : others);
    }
  });
  return true;
}

/** Idempotent registration: provider row, CUSTOM_* names, inventories, traits, each only if changed. */
async function ensureProvider(deps: PlacementDeps, p: ProviderRegistration): Promise<void> {
  for (const rc of Object.keys(p.inventories))
    if (rc.startsWith('CUSTOM_')) await ensureResourceClass(deps, rc);
  for (const t of p.traits) if (t.startsWith('CUSTOM_')) await ensureTrait(deps, t);
  const cur = await getProvider(deps.store.db, p.uuid);
  const parentUuid = p.parentUuid ?? null;
  if (cur === undefined) {
    await createProvider(deps, { uuid: p.uuid, name: p.name, parentUuid }).catch(async (err: unknown) => {
      if ((await getProvider(deps.store.db, p.uuid)) === undefined) throw err; // lost a race: it exists now
    });
  } else if (cur.name !== p.name || cur.parentUuid !== parentUuid) {
    await updateProvider(deps, p.uuid, { name: p.name, parentUuid }, true);
  }
  await untilSettled(async () => {
    const now = await getInventories(deps, p.uuid);
    const wanted = p.ratiosAreConfig
      ? inventoriesOf(p)
      : keepOperatorRatios(inventoriesOf(p), now.inventories);
    if (JSON.stringify(sorted(now.inventories)) === JSON.stringify(sorted(wanted))) return;
    await changeInventories(deps, p.uuid, now.generation, () => wanted, { reservedMayEqualTotal: true });
  });
  const traits = [...new Set(p.traits)].sort();
  await untilSettled(async () => {
    const now = await getProviderTraits(deps, p.uuid);
    if (JSON.stringify(now.traits) === JSON.stringify(traits)) return;
    await setProviderTraits(deps, p.uuid, now.generation, traits);
  });
}

function inventoriesOf(p: ProviderRegistration): Record<string, InventoryLimits> {
  return Object.fromEntries(
    Object.entries(p.inventories).map(([rc, i]) => [
      rc,
      {
        total: i.total,
        reserved: i.reserved ?? inventoryDefaults.reserved,
        minUnit: i.minUnit ?? inventoryDefaults.minUnit,
        maxUnit: i.maxUnit ?? inventoryDefaults.maxUnit,
        stepSize: i.stepSize ?? inventoryDefaults.stepSize,
        allocationRatio: i.allocationRatio ?? inventoryDefaults.allocationRatio,
      },
    ]),
  );
}

/**
 * A registration's allocation ratios are initial ones, as Nova's `initial_*_allocation_ratio`:
 * an inventory that already exists keeps the ratio it has, which the operator may have set.
 */
function keepOperatorRatios(
  wanted: Record<string, InventoryLimits>,
  current: Readonly<Record<string, InventoryLimits>>,
): Record<string, InventoryLimits> {
  return Object.fromEntries(
    Object.entries(wanted).map(([rc, inv]) => {
      const ratio = current[rc]?.allocationRatio;
      return [rc, ratio === undefined ? inv : { ...inv, allocationRatio: ratio }];
    }),
  );
}

function sorted<T>(r: Readonly<Record<string, T>>): Array<[string, T]> {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Re-reads and retries when a concurrent allocation bumped the generation in between. */
async function untilSettled(step: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      const race = err instanceof ConflictError && err.code === placementCodes.concurrentUpdate;
      if (!race || attempt >= 10) throw err;
    }
  }
}
