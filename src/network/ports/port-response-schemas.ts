import Type from 'typebox';
import { bool, int, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import {
  createResponse,
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

const anyObject = Type.Record(Type.String(), Type.Unknown());

/**
 * A port as Neutron's API reference lists it with binding, allowed-address-pairs,
 * extra_dhcp_opt, port-security, security-group and dns-integration.
 */
export const portResource = neutronResource(
  {
    id: str,
    name: str,
    network_id: str,
    ...ownerAttributes,
    mac_address: str,
    admin_state_up: bool,
    status: str,
    device_id: str,
    device_owner: str,
    fixed_ips: Type.Array(strict({ subnet_id: str, ip_address: str })),
    allowed_address_pairs: Type.Array(strict({ ip_address: str, mac_address: str })),
    extra_dhcp_opts: Type.Array(strict({ opt_name: str, opt_value: nullableStr, ip_version: int })),
    security_groups: Type.Array(str),
    port_security_enabled: bool,
    dns_name: str,
    dns_assignment: Type.Array(strict({ hostname: str, ip_address: str, fqdn: str })),
    'binding:vnic_type': str,
    ...standardAttributes,
  },
  {
    // Admin-only under Neutron's default policy.
    'binding:host_id': str,
    'binding:vif_type': str,
    'binding:vif_details': anyObject,
    'binding:profile': anyObject,
  },
);

export const portResponse = singleResponse('port', portResource);
export const portListResponse = listResponse('ports', portResource);
export const portCreateResponse = createResponse('port', 'ports', portResource);
