import type { ObjectRbacPolicyRow } from './object-rbac-store.js';
import type { RbacPolicyRow } from './rbac-store.js';

/** A policy of either table: network policies carry no object_type column. */
export type AnyRbacPolicyRow = RbacPolicyRow | ObjectRbacPolicyRow;

export const objectTypeOf = (row: AnyRbacPolicyRow) => ('object_type' in row ? row.object_type : 'network');

/** A policy as Neutron renders it: `target_tenant` is the target project (or '*'). */
export function rbacPolicyView(row: AnyRbacPolicyRow): Record<string, unknown> {
  return {
    id: row.id,
    project_id: row.project_id,
    tenant_id: row.project_id,
    object_type: objectTypeOf(row),
    object_id: row.object_id,
    action: row.action,
    target_tenant: row.target_project,
  };
}

/** The policy target: the owner plus the attributes `field:rbac_policy:*` rules test. */
export function rbacPolicyTarget(row: {
  readonly project_id: string;
  readonly target_project: string;
  readonly action: string;
  readonly object_id: string;
  readonly object_type?: string;
}): Record<string, unknown> {
  return {
    project_id: row.project_id,
    tenant_id: row.project_id,
    target_tenant: row.target_project,
    target_project: row.target_project,
    action: row.action,
    object_type: row.object_type ?? 'network',
    object_id: row.object_id,
  };
}
