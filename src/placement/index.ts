import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import type { ServiceContext } from '../common/service-context.js';
import { candidateRoutes } from './allocation-candidates/candidate-routes.js';
import { aggregateRoutes } from './aggregates/aggregate-routes.js';
import { allocationRoutes } from './allocations/allocation-routes.js';
import { inventoryRoutes } from './inventories/inventory-routes.js';
import type { PlacementApi } from './placement-api.js';
import type { PlacementDeps } from './placement-deps.js';
import { placementServiceFault } from './placement-fault-codes.js';
import { createPlacementApi } from './placement-module.js';
import { placementPolicy } from './placement-policy.js';
import { placementMicroversions, versionRoutes } from './placement-version.js';
import { resourceClassRoutes } from './resource-classes/resource-class-routes.js';
import { providerRoutes } from './resource-providers/provider-routes.js';
import { reshaperRoutes } from './reshaper/reshaper-routes.js';
import { providerTraitRoutes } from './traits/provider-trait-routes.js';
import { traitRoutes } from './traits/trait-routes.js';
import { usageRoutes } from './usages/usage-routes.js';

export const placementRouteTable = [
  ...versionRoutes,
  ...providerRoutes,
  ...inventoryRoutes,
  ...aggregateRoutes,
  ...providerTraitRoutes,
  ...traitRoutes,
  ...resourceClassRoutes,
  ...allocationRoutes,
  ...usageRoutes,
  ...candidateRoutes,
  ...reshaperRoutes,
];

/** Placement 1.x mounted at /placement, plus the in-process API the scheduler and agents use. */
export function placementService(ctx: ServiceContext): ServicePlugin & { readonly api: PlacementApi } {
  const prefix = '/placement';
  const deps: PlacementDeps = { store: ctx.store, clock: ctx.clock, log: ctx.log };
  return {
    name: 'placement',
    serviceType: 'placement',
    catalogName: 'placement',
    prefix,
    catalogSuffix: '',
    policy: placementPolicy,
    api: createPlacementApi(deps),
    fault: placementServiceFault,
    plugin: serviceRoutes({
      name: 'placement',
      prefix,
      deps,
      routes: placementRouteTable,
      fault: placementServiceFault,
      tokens: ctx.http.tokens,
      policy: ctx.http.policy,
      microversions: placementMicroversions,
      malformedBodyMessage: 'Malformed JSON: Expecting value: line 1 column 1 (char 0)',
      rejectOtherMethods: true,
      strictErrors: ctx.http.strictErrors,
    }),
  };
}

export { placementPolicy } from './placement-policy.js';
export type { AllocationWrite, PlacementApi, ProviderRegistration, ProviderView } from './placement-api.js';
export type { InventoryLimits, Fit } from './inventories/inventory-capacity.js';
export { capacityOf, fitsInventory } from './inventories/inventory-capacity.js';
export { AllocationConflictError } from './placement-errors.js';
export type { AllocationConflictReason } from './placement-errors.js';
