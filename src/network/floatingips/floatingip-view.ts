import { secondsTime } from '../../common/time.js';
import { parseJson } from '../../db/row-codec.js';
import type { FloatingIpPortDetails } from './floatingip-port-details.js';
import type { FloatingIpRow } from './floatingip-store.js';

/**
 * A floating IP as Neutron renders it with the extensions Strata advertises; `port` is
 * the associated port's details (fip-port-details), null when there is none.
 */
export function floatingIpView(
  row: FloatingIpRow,
  port?: FloatingIpPortDetails | undefined,
): Record<string, unknown> {
  return {
    id: row.id,
    tenant_id: row.project_id,
    project_id: row.project_id,
    floating_ip_address: row.floating_ip_address,
    floating_network_id: row.floating_network_id,
    router_id: row.router_id,
    port_id: row.fixed_port_id,
    fixed_ip_address: row.fixed_ip_address,
    status: row.status,
    port_details: port ?? null,
    dns_name: row.dns_name,
    dns_domain: row.dns_domain,
    description: row.description,
    tags: parseJson<string[]>(row.tags, []),
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
  };
}
