/** The limits of one resource class on one provider. */
export interface InventoryLimits {
  readonly total: number;
  readonly reserved: number;
  readonly minUnit: number;
  readonly maxUnit: number;
  readonly stepSize: number;
  readonly allocationRatio: number;
}

/** Placement's rule: (total - reserved) * allocation_ratio, truncated to an integer. */
export function capacityOf(inv: InventoryLimits): number {
  return Math.floor((inv.total - inv.reserved) * inv.allocationRatio);
}

export type Fit =
  | { readonly fits: true }
  | { readonly fits: false; readonly reason: 'no_inventory' | 'constraints' | 'capacity' };

/** Whether one allocation of `amount` respects the unit constraints (min, max, step). */
export function meetsUnitConstraints(inv: InventoryLimits, amount: number): boolean {
  return amount >= inv.minUnit && amount <= inv.maxUnit && amount % inv.stepSize === 0;
}

/**
 * The one capacity rule, shared by allocation writes, allocation candidates and the
 * scheduler: `amount` fits when it meets the unit constraints and `used + amount` stays
 * within capacity. `used` must not already include this consumer's current allocation.
 */
export function fitsInventory(inv: InventoryLimits | undefined, used: number, amount: number): Fit {
  if (inv === undefined) return { fits: false, reason: 'no_inventory' };
  if (!meetsUnitConstraints(inv, amount)) return { fits: false, reason: 'constraints' };
  if (used + amount > capacityOf(inv)) return { fits: false, reason: 'capacity' };
  return { fits: true };
}

/** Placement's defaults for fields an inventory write leaves out. */
export const inventoryDefaults = {
  reserved: 0,
  minUnit: 1,
  maxUnit: 2147483647,
  stepSize: 1,
  allocationRatio: 1.0,
} as const;
