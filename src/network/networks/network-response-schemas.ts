import Type from 'typebox';
import { bool, int, nullable, nullableStr, str } from '../../common/http/response-schemas.js';
import {
  advertised,
  createResponse,
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

/**
 * A network as Neutron's API reference lists it with the extensions Strata advertises
 * (external-net, provider, net-mtu, port-security, availability_zone, dns-integration,
 * address-scope, auto-allocated-topology).
 */
export const networkResource = neutronResource(
  {
    id: str,
    name: str,
    ...ownerAttributes,
    admin_state_up: bool,
    mtu: int,
    status: str,
    subnets: Type.Array(str),
    shared: bool,
    'router:external': bool,
    port_security_enabled: bool,
    availability_zone_hints: Type.Array(str),
    availability_zones: Type.Array(str),
    ipv4_address_scope: nullableStr,
    ipv6_address_scope: nullableStr,
    dns_domain: str,
    ...standardAttributes,
    ...(advertised('qos') && { qos_policy_id: nullableStr }),
  },
  {
    // Admin-only under Neutron's default policy.
    'provider:network_type': nullableStr,
    'provider:physical_network': nullableStr,
    'provider:segmentation_id': nullable(int),
    // Shown on external networks only.
    is_default: bool,
  },
);

export const networkResponse = singleResponse('network', networkResource);
export const networkCreateResponse = createResponse('network', 'networks', networkResource);
export const networkListResponse = listResponse('networks', networkResource);
