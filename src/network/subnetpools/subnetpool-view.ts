import { secondsTime } from '../../common/time.js';
import { isSet, parseJson } from '../../db/row-codec.js';
import type { SubnetPoolRow } from './subnetpool-store.js';

/** A subnet pool as Neutron renders it; Neutron prints the prefix lengths as strings. */
export function subnetPoolView(row: SubnetPoolRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    prefixes: parseJson<string[]>(row.prefixes, []),
    default_quota: row.default_quota,
    ip_version: row.ip_version,
    default_prefixlen: String(row.default_prefixlen),
    min_prefixlen: String(row.min_prefixlen),
    max_prefixlen: String(row.max_prefixlen),
    is_default: isSet(row.is_default),
    shared: isSet(row.shared),
    address_scope_id: row.address_scope_id,
    description: row.description,
    tags: parseJson<string[]>(row.tags, []),
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
  };
}

/** The policy target: the owner and the flags the `field:` and attribute rules test. */
export function subnetPoolTarget(row: SubnetPoolRow): Record<string, unknown> {
  return {
    project_id: row.project_id,
    tenant_id: row.project_id,
    shared: isSet(row.shared),
    is_default: isSet(row.is_default),
  };
}
