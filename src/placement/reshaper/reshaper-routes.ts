import { route } from '../../common/http/route-spec.js';
import { allocationWriteOf, consumerUuid } from '../allocations/allocation-body.js';
import type { AllocationBodyJson } from '../allocations/allocation-schemas.js';
import { retryRaces, writeAllocationsIn } from '../allocations/allocation-writer.js';
import type { InventoryRecordJson } from '../inventories/inventory-schemas.js';
import type { Inventories } from '../inventories/inventory-service.js';
import { changeInventoriesIn, checkUsage } from '../inventories/inventory-service.js';
import { inventoryFromJson } from '../inventories/inventory-view.js';
import type { PlacementDeps } from '../placement-deps.js';
import { versionedBody } from '../placement-http.js';
import { normalizeUuid } from '../placement-query.js';
import { since } from '../placement-version.js';
import { providerUsages } from '../usages/usage-store.js';
import { reshaperSchemas } from './reshaper-schemas.js';

const body = versionedBody(reshaperSchemas);

interface ReshaperJson {
  inventories: Record<
    string,
    { resource_provider_generation: number; inventories: Record<string, InventoryRecordJson> }
  >;
  allocations: Record<string, AllocationBodyJson>;
}

/**
 * POST /reshaper: replaces inventories (generation-checked) and allocations in one
 * transaction, checking usage against the new inventories only at the end, because
 * allocations move between providers in the same request.
 */
async function reshape(deps: PlacementDeps, b: ReshaperJson): Promise<void> {
  const writes = Object.entries(b.allocations).map(([id, set]) => allocationWriteOf(consumerUuid(id), set));
  await retryRaces(deps, async (tx) => {
    const changed = new Map<string, Inventories>();
    for (const [raw, set] of Object.entries(b.inventories)) {
      const uuid = normalizeUuid(raw) ?? raw;
      const next = Object.fromEntries(
        Object.entries(set.inventories).map(([rc, r]) => [rc, inventoryFromJson(r)]),
      );
      const opts = { reservedMayEqualTotal: true, skipUsageCheck: true };
      await changeInventoriesIn(tx, deps, uuid, set.resource_provider_generation, () => next, opts);
      changed.set(uuid, next);
    }
    await writeAllocationsIn(tx, deps, writes);
    const usages = await providerUsages(tx, [...changed.keys()]);
    for (const [uuid, next] of changed) checkUsage(deps, uuid, next, usages.get(uuid) ?? {});
  });
}

export const reshaperRoutes = [
  route<PlacementDeps>({
    method: 'POST',
    url: '/reshaper',
    policy: 'placement:reshaper:reshape',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 30);
      await reshape(deps, body<ReshaperJson>(ctx));
    },
  }),
];
