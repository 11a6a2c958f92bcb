import { isSet, parseJson } from '../../db/row-codec.js';
import { secondsTime } from '../../common/time.js';
import type { NetworkRow } from './network-store.js';
import type { NetworkScopes } from '../address-scopes/address-scope-store.js';

/** A network as Neutron renders it with the extensions Strata advertises. */
export function networkView(
  row: NetworkRow,
  subnets: ReadonlyArray<string>,
  scopes: NetworkScopes = { ipv4_address_scope: null, ipv6_address_scope: null },
): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    admin_state_up: isSet(row.admin_state_up),
    mtu: row.mtu,
    status: 'ACTIVE',
    subnets: [...subnets],
    shared: isSet(row.shared),
    'router:external': isSet(row.external),
    port_security_enabled: isSet(row.port_security_enabled),
    availability_zone_hints: parseJson<string[]>(row.availability_zone_hints, []),
    availability_zones: [],
    'provider:network_type': row.network_type,
    'provider:physical_network': row.physical_network === '' ? null : row.physical_network,
    'provider:segmentation_id': row.segmentation_id,
    ipv4_address_scope: scopes.ipv4_address_scope,
    ipv6_address_scope: scopes.ipv6_address_scope,
    dns_domain: row.dns_domain,
    description: row.description,
    tags: parseJson<string[]>(row.tags, []),
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
    // auto-allocated-topology shows is_default on external networks only, as Neutron.
    ...(isSet(row.external) && { is_default: isSet(row.is_default) }),
  };
}

/** The policy target of a network: its owner and the flags `field:` rules test. */
export function networkTarget(row: NetworkRow): Record<string, unknown> {
  return {
    project_id: row.project_id,
    tenant_id: row.project_id,
    'network:project_id': row.project_id,
    'network:tenant_id': row.project_id,
    shared: isSet(row.shared),
    'router:external': isSet(row.external),
  };
}
