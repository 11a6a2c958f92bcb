import type { NetworkCaller } from '../network-context.js';
import { attributeFilter } from '../network-context.js';
import { pickFields } from '../network-list.js';
import type { AllocationRow, PortRow } from './port-store.js';
import { portView } from './port-view.js';

/** Every attribute `portView` renders, in its order (policy checks ask about each). */
export const portAttributeNames = [
  'id',
  'name',
  'network_id',
  'tenant_id',
  'project_id',
  'mac_address',
  'admin_state_up',
  'status',
  'device_id',
  'device_owner',
  'fixed_ips',
  'allowed_address_pairs',
  'extra_dhcp_opts',
  'security_groups',
  'port_security_enabled',
  'dns_name',
  'dns_assignment',
  'binding:vnic_type',
  'description',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
  'binding:host_id',
  'binding:vif_type',
  'binding:vif_details',
  'binding:profile',
];

/**
 * Ports as JSON text for one caller and one `fields` list, where the database does not
 * write them (PostgreSQL): the view, the policy filter, `fields`, then V8's stringify,
 * which measured faster than assembling the text by hand.
 */
export function portJsonWriter(
  caller: NetworkCaller,
  fields: ReadonlyArray<string>,
  domains: ReadonlyMap<string, string>,
) {
  const visible = attributeFilter(caller, 'port');
  return (row: PortRow, ips: ReadonlyArray<AllocationRow>): string =>
    JSON.stringify(
      pickFields(
        visible(portView(row, ips, domains.get(row.network_id) ?? ''), { project_id: row.project_id }),
        fields,
      ),
    );
}
