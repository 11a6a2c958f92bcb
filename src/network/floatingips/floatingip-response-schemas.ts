import { nullableStr, str } from '../../common/http/response-schemas.js';
import {
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

/**
 * Neutron's floating IP bodies (api-ref "Floating IPs") with l3 and dns-integration.
 * Not advertised, so never sent: `port_details` (fip-port-details), `port_forwardings`
 * (expose-port-forwarding-in-fip), `qos_policy_id` and `qos_network_policy_id` (qos-fip).
 */
export const floatingIpResource = neutronResource({
  id: str,
  ...ownerAttributes,
  floating_ip_address: str,
  floating_network_id: str,
  router_id: nullableStr,
  port_id: nullableStr,
  fixed_ip_address: nullableStr,
  status: str,
  // dns-integration: '' when not set.
  dns_name: str,
  dns_domain: str,
  ...standardAttributes,
});

export const floatingIpResponse = singleResponse('floatingip', floatingIpResource);
export const floatingIpListResponse = listResponse('floatingips', floatingIpResource);
