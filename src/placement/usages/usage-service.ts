import { providerInventories } from '../inventories/inventory-store.js';
import type { PlacementDeps } from '../placement-deps.js';
import { providerNotFound } from '../placement-errors.js';
import { getProvider } from '../resource-providers/provider-store.js';
import { consumerCounts, projectUsages, providerUsages } from './usage-store.js';

/** Usage of every class the provider has inventory of (0 when unused), as Placement reports it. */
export async function getProviderUsages(
  deps: PlacementDeps,
  uuid: string,
): Promise<{ usages: Record<string, number>; generation: number }> {
  const p = await getProvider(deps.store.db, uuid);
  if (p === undefined) throw providerNotFound(uuid);
  const inventories = (await providerInventories(deps.store.db, [uuid])).get(uuid) ?? {};
  const used = (await providerUsages(deps.store.db, [uuid])).get(uuid) ?? {};
  const usages: Record<string, number> = Object.fromEntries(Object.keys(inventories).map((rc) => [rc, 0]));
  return { usages: { ...usages, ...used }, generation: p.generation };
}

export interface UsageFilter {
  readonly projectId: string;
  readonly userId?: string;
  readonly consumerType?: string;
}

/** Before 1.38: one map of class to amount for the project (and user). */
export async function totalUsages(deps: PlacementDeps, f: UsageFilter): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await projectUsages(deps.store.db, f))
    out[r.resourceClass] = (out[r.resourceClass] ?? 0) + r.used;
  return out;
}

/** 1.38: usages grouped by consumer type (or all under `all`), each with a consumer_count. */
export async function usagesByType(
  deps: PlacementDeps,
  f: UsageFilter,
): Promise<Record<string, Record<string, number>>> {
  const rows = await projectUsages(deps.store.db, f);
  const counts = await consumerCounts(deps.store.db, f);
  const keyOf = (type: string | null) => (f.consumerType === 'all' ? 'all' : (type ?? 'unknown'));
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const group = (out[keyOf(r.type)] ??= { consumer_count: 0 });
    group[r.resourceClass] = (group[r.resourceClass] ?? 0) + r.used;
  }
  for (const [type, n] of counts) {
    const group = out[keyOf(type)];
    if (group !== undefined) group['consumer_count'] = group['consumer_count']! + n;
  }
  return out;
}
