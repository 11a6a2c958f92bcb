import { secondsTime } from '../../common/time.js';
import { isSet, parseJson } from '../../db/row-codec.js';
import type { SubnetRow } from './subnet-store.js';

export function subnetView(row: SubnetRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    network_id: row.network_id,
    ip_version: row.ip_version,
    subnetpool_id: row.subnetpool_id,
    enable_dhcp: isSet(row.enable_dhcp),
    ipv6_ra_mode: row.ipv6_ra_mode,
    ipv6_address_mode: row.ipv6_address_mode,
    gateway_ip: row.gateway_ip,
    cidr: row.cidr,
    allocation_pools: parseJson(row.allocation_pools, []),
    host_routes: parseJson(row.host_routes, []),
    dns_nameservers: parseJson(row.dns_nameservers, []),
    service_types: parseJson(row.service_types, []),
    description: row.description,
    tags: parseJson<string[]>(row.tags, []),
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
  };
}
