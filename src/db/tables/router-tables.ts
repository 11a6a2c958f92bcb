import type { ColumnType } from 'kysely';
import type { Flag } from '../column-types.js';

type CreatedAt = ColumnType<string, string, never>;

/**
 * Neutron L3 tables. A router's interfaces are the ports whose device_id is the router
 * (device_owner network:router_interface); its gateway is the port `gw_port_id` names.
 */
export interface RouterTables {
  routers: RouterTable;
  floatingips: FloatingIpTable;
}

export interface RouterTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
  admin_state_up: Flag;
  status: string;
  /** The gateway port on the external network, or null without a gateway. */
  gw_port_id: string | null;
  enable_snat: Flag;
  /** JSON [{destination, nexthop}] (extraroute). */
  routes: string;
  /** JSON array of tags. */
  tags: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
  /** The host running the router (migration 0026), chosen by the scheduler; null when none. */
  host: string | null;
}

export interface FloatingIpTable {
  id: string;
  project_id: string;
  description: string;
  floating_network_id: string;
  /** The port on the external network that holds the address. */
  floating_port_id: string;
  floating_ip_address: string;
  router_id: string | null;
  /** The associated port; unique with fixed_ip_address, so one fixed IP has one floating IP. */
  fixed_port_id: string | null;
  fixed_ip_address: string | null;
  status: string;
  tags: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
  /** dns-integration's `dns_name` and `dns_domain` ('' for none). */
  dns_name: ColumnType<string, string | undefined, string>;
  dns_domain: ColumnType<string, string | undefined, string>;
}
