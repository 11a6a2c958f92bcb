import type { PlacementDeps } from '../placement-deps.js';
import { providerNotFound } from '../placement-errors.js';
import { getProvider, getProviders } from '../resource-providers/provider-store.js';
import type { AllocationRow, Consumer } from './allocation-store.js';
import * as store from './allocation-store.js';

export interface ConsumerAllocations {
  readonly consumer: Consumer | undefined;
  readonly rows: ReadonlyArray<AllocationRow>;
  /** Current generation of each provider the consumer uses. */
  readonly generations: ReadonlyMap<string, number>;
}

export async function getConsumerAllocations(
  deps: PlacementDeps,
  consumerId: string,
): Promise<ConsumerAllocations> {
  const db = deps.store.db;
  const consumer = (await store.getConsumers(db, [consumerId])).get(consumerId);
  const rows = await store.consumerAllocations(db, [consumerId]);
  const providers = await getProviders(db, [...new Set(rows.map((r) => r.providerUuid))]);
  return { consumer, rows, generations: new Map(providers.map((p) => [p.uuid, p.generation])) };
}

export interface ProviderAllocations {
  readonly generation: number;
  readonly rows: ReadonlyArray<AllocationRow>;
  readonly consumers: ReadonlyMap<string, Consumer>;
}

export async function getProviderAllocations(
  deps: PlacementDeps,
  uuid: string,
): Promise<ProviderAllocations> {
  const db = deps.store.db;
  const p = await getProvider(db, uuid);
  if (p === undefined) throw providerNotFound(uuid);
  const rows = await store.providerAllocations(db, uuid);
  const consumers = await store.getConsumers(db, [...new Set(rows.map((r) => r.consumerId))]);
  return { generation: p.generation, rows, consumers };
}

/** Allocations grouped as `{provider: {class: amount}}`, for the in-process API. */
export function byProvider(rows: ReadonlyArray<AllocationRow>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.providerUuid] ??= {})[r.resourceClass] = r.used;
  return out;
}
