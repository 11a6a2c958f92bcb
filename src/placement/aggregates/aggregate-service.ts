import type { PlacementDeps } from '../placement-deps.js';
import { generationConflict, providerNotFound } from '../placement-errors.js';
import { casGeneration, getProvider } from '../resource-providers/provider-store.js';
import * as store from './aggregate-store.js';

export interface ProviderAggregates {
  readonly aggregates: ReadonlyArray<string>;
  readonly generation: number;
}

export async function getProviderAggregates(deps: PlacementDeps, uuid: string): Promise<ProviderAggregates> {
  const p = await getProvider(deps.store.db, uuid);
  if (p === undefined) throw providerNotFound(uuid);
  return { aggregates: await store.providerAggregates(deps.store.db, uuid), generation: p.generation };
}

/** Replaces the provider's aggregates; from 1.19 the caller's generation must be current. */
export async function setProviderAggregates(
  deps: PlacementDeps,
  uuid: string,
  generation: number | undefined,
  aggregates: ReadonlyArray<string>,
): Promise<ProviderAggregates> {
  return deps.store.db.transaction().execute(async (tx) => {
    const p = await getProvider(tx, uuid);
    if (p === undefined) throw providerNotFound(uuid);
    const expected = generation ?? p.generation;
    if (!(await casGeneration(tx, uuid, expected, deps.clock().toISOString()))) throw generationConflict();
    await store.replaceProviderAggregates(tx, uuid, aggregates);
    return { aggregates: [...new Set(aggregates)].sort(), generation: expected + 1 };
  });
}
