/**
 * Default placement policy in oslo.policy syntax. Placement is an operator and service
 * API: every rule defaults to admin or the `service` role, as upstream's `admin_or_service_api`.
 */
const adminOrService = 'rule:admin_required or role:service';

const names = [
  'placement:resource_providers:list',
  'placement:resource_providers:create',
  'placement:resource_providers:show',
  'placement:resource_providers:update',
  'placement:resource_providers:delete',
  'placement:resource_providers:inventories:list',
  'placement:resource_providers:inventories:create',
  'placement:resource_providers:inventories:show',
  'placement:resource_providers:inventories:update',
  'placement:resource_providers:inventories:delete',
  'placement:resource_providers:aggregates:list',
  'placement:resource_providers:aggregates:update',
  'placement:resource_providers:traits:list',
  'placement:resource_providers:traits:update',
  'placement:resource_providers:traits:delete',
  'placement:resource_providers:usages',
  'placement:resource_providers:allocations:list',
  'placement:resource_classes:list',
  'placement:resource_classes:create',
  'placement:resource_classes:show',
  'placement:resource_classes:update',
  'placement:resource_classes:delete',
  'placement:traits:list',
  'placement:traits:show',
  'placement:traits:update',
  'placement:traits:delete',
  'placement:allocations:list',
  'placement:allocations:manage',
  'placement:allocations:update',
  'placement:allocations:delete',
  'placement:usages',
  'placement:allocation_candidates:list',
  'placement:reshaper:reshape',
] as const;

export type PlacementRule = (typeof names)[number];

/** `admin_required` comes from the identity defaults, which every service shares. */
export const placementPolicy: Readonly<Record<string, string>> = Object.fromEntries(
  names.map((n) => [n, adminOrService]),
);
