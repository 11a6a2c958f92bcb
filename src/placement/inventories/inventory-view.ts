import type { InventoryLimits } from './inventory-capacity.js';
import { inventoryDefaults } from './inventory-capacity.js';
import type { InventoryRecordJson } from './inventory-schemas.js';
import type { ProviderInventories } from './inventory-service.js';

export function inventoryView(i: InventoryLimits) {
  return {
    total: i.total,
    reserved: i.reserved,
    min_unit: i.minUnit,
    max_unit: i.maxUnit,
    step_size: i.stepSize,
    allocation_ratio: i.allocationRatio,
  };
}

export function inventoriesView(p: ProviderInventories) {
  return {
    inventories: Object.fromEntries(Object.entries(p.inventories).map(([rc, i]) => [rc, inventoryView(i)])),
    resource_provider_generation: p.generation,
  };
}

/** An API record with Placement's defaults filled in. */
export function inventoryFromJson(r: InventoryRecordJson): InventoryLimits {
  return {
    total: r.total,
    reserved: r.reserved ?? inventoryDefaults.reserved,
    minUnit: r.min_unit ?? inventoryDefaults.minUnit,
    maxUnit: r.max_unit ?? inventoryDefaults.maxUnit,
    stepSize: r.step_size ?? inventoryDefaults.stepSize,
    allocationRatio: r.allocation_ratio ?? inventoryDefaults.allocationRatio,
  };
}
