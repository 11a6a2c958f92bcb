import type { AddressGroupRow } from './address-group-store.js';

export function addressGroupView(
  row: AddressGroupRow,
  addresses: ReadonlyArray<string>,
): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    addresses: [...addresses],
  };
}

/** The policy target: the owner (`shared` is added for a project the group is shared with). */
export function addressGroupTarget(row: AddressGroupRow): Record<string, unknown> {
  return { project_id: row.project_id, tenant_id: row.project_id };
}
