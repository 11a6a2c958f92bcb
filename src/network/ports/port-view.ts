import { secondsTime } from '../../common/time.js';
import { isSet, parseJson } from '../../db/row-codec.js';
import { dnsAssignment } from '../dns/dns-names.js';
import type { AllocationRow, PortRow } from './port-store.js';

/** A port as Neutron renders it; `domain` is its network's DNS domain (dns-names.ts's portDomains). */
export function portView(
  row: PortRow,
  ips: ReadonlyArray<AllocationRow>,
  domain: string,
): Record<string, unknown> {
  const fixedIps = ips.map((a) => ({ subnet_id: a.subnet_id, ip_address: a.ip_address }));
  return {
    id: row.id,
    name: row.name,
    network_id: row.network_id,
    tenant_id: row.project_id,
    project_id: row.project_id,
    mac_address: row.mac_address,
    admin_state_up: isSet(row.admin_state_up),
    status: row.status,
    device_id: row.device_id,
    device_owner: row.device_owner,
    fixed_ips: fixedIps,
    allowed_address_pairs: parseJson(row.allowed_address_pairs, []),
    extra_dhcp_opts: parseJson(row.extra_dhcp_opts, []),
    security_groups: parseJson(row.security_groups, []),
    port_security_enabled: isSet(row.port_security_enabled),
    dns_name: row.dns_name,
    dns_assignment: dnsAssignment(row.dns_name, domain, fixedIps),
    'binding:vnic_type': row.binding_vnic_type,
    description: row.description,
    tags: parseJson<string[]>(row.tags, []),
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
    // Admin-only under Neutron's default policy; last, where the schema serializer puts them.
    'binding:host_id': row.binding_host_id,
    'binding:vif_type': row.binding_vif_type,
    'binding:vif_details': parseJson(row.binding_vif_details, {}),
    'binding:profile': parseJson(row.binding_profile, {}),
  };
}
