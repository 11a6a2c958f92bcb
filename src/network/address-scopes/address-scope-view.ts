import { isSet } from '../../db/row-codec.js';
import type { AddressScopeRow } from './address-scope-store.js';

export function addressScopeView(row: AddressScopeRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    shared: isSet(row.shared),
    ip_version: row.ip_version,
  };
}

/** The policy target: the owner and the flag `rule:shared_address_scopes` tests. */
export function addressScopeTarget(row: AddressScopeRow): Record<string, unknown> {
  return { project_id: row.project_id, tenant_id: row.project_id, shared: isSet(row.shared) };
}
