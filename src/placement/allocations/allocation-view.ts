import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../placement-version.js';
import type { ConsumerAllocations, ProviderAllocations } from './allocation-service.js';

type Versioned = { readonly microversion: Microversion | undefined };

/** GET /allocations/{consumer}: by provider; owner fields from 1.12, generation 1.28, type 1.38. */
export function consumerAllocationsView(ctx: Versioned, a: ConsumerAllocations) {
  const allocations: Record<string, { generation: number; resources: Record<string, number> }> = {};
  for (const r of a.rows) {
    const entry = (allocations[r.providerUuid] ??= {
      generation: a.generations.get(r.providerUuid) ?? 0,
      resources: {},
    });
    entry.resources[r.resourceClass] = r.used;
  }
  const c = a.consumer;
  if (c === undefined || a.rows.length === 0 || !atLeast(ctx, 12)) return { allocations };
  return {
    allocations,
    project_id: c.projectId,
    user_id: c.userId,
    ...(atLeast(ctx, 28) && { consumer_generation: c.generation }),
    ...(atLeast(ctx, 38) && { consumer_type: c.consumerType ?? 'unknown' }),
  };
}

/** GET /resource_providers/{uuid}/allocations: by consumer. */
export function providerAllocationsView(ctx: Versioned, a: ProviderAllocations) {
  const allocations: Record<
    string,
    { resources: Record<string, number>; consumer_generation?: number | null }
  > = {};
  for (const r of a.rows) {
    const entry = (allocations[r.consumerId] ??= {
      resources: {},
      ...(atLeast(ctx, 28) && { consumer_generation: a.consumers.get(r.consumerId)?.generation ?? null }),
    });
    entry.resources[r.resourceClass] = r.used;
  }
  return { allocations, resource_provider_generation: a.generation };
}
