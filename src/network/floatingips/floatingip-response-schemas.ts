import Type from 'typebox';
import { nullableStr, str, strict } from '../../common/http/response-schemas.js';
import {
  ownerFields,
  pageLinks,
  selectable,
  standardAttributeFields,
  tagFields,
} from '../standard-attribute-schemas.js';

/**
 * Neutron's floating IP bodies (api-ref "Floating IPs") with l3 and dns-integration.
 * Not advertised, so never sent: `port_details` (fip-port-details), `port_forwardings`
 * (expose-port-forwarding-in-fip), `qos_policy_id` and `qos_network_policy_id` (qos-fip).
 */
export const floatingIpResource = selectable(
  strict({
    id: str,
    ...ownerFields,
    floating_ip_address: str,
    floating_network_id: str,
    router_id: nullableStr,
    port_id: nullableStr,
    fixed_ip_address: nullableStr,
    status: str,
    // dns-integration: '' when not set.
    dns_name: str,
    dns_domain: str,
    ...standardAttributeFields,
    ...tagFields,
  }),
);

export const floatingIpResponse = strict({ floatingip: floatingIpResource.selected });
export const floatingIpListResponse = strict({
  floatingips: Type.Array(floatingIpResource.selected),
  floatingips_links: pageLinks,
});
