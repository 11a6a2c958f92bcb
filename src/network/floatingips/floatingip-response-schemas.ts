import { bool, nullable, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import {
  advertised,
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

/**
 * Neutron's floating IP bodies (api-ref "Floating IPs") with l3 and dns-integration.
 * `port_details` with fip-port-details. Not advertised, so never sent: `port_forwardings`
 * (expose-port-forwarding-in-fip), `qos_policy_id` and `qos_network_policy_id` (qos-fip).
 */
/** The associated port as neutron's l3_fip_port_details shows it. */
const portDetails = strict({
  name: str,
  network_id: str,
  mac_address: str,
  admin_state_up: bool,
  status: str,
  device_id: str,
  device_owner: str,
});

export const floatingIpResource = neutronResource({
  id: str,
  ...ownerAttributes,
  floating_ip_address: str,
  floating_network_id: str,
  router_id: nullableStr,
  port_id: nullableStr,
  fixed_ip_address: nullableStr,
  status: str,
  ...(advertised('fip-port-details') && { port_details: nullable(portDetails) }),
  // dns-integration: '' when not set.
  dns_name: str,
  dns_domain: str,
  ...standardAttributes,
});

export const floatingIpResponse = singleResponse('floatingip', floatingIpResource);
export const floatingIpListResponse = listResponse('floatingips', floatingIpResource);
