import type { ColumnType } from 'kysely';
import type { Flag } from '../column-types.js';

type CreatedAt = ColumnType<string, string, never>;

/**
 * Networking v2.0 (Neutron) tables. Lists (pools, routes, pairs, tags) are JSON text; an
 * address handed to a port is a row of `network_ip_allocations`, whose primary key is what
 * keeps one address from going to two ports, also under concurrent creates.
 */
export interface NetworkTables {
  networks: NetworkTable;
  subnets: SubnetTable;
  ports: PortTable;
  network_ip_allocations: IpAllocationTable;
  network_quotas: NetworkQuotaTable;
  network_port_usage: NetworkPortUsageTable;
  security_groups: SecurityGroupTable;
  default_security_groups: DefaultSecurityGroupTable;
  security_group_rules: SecurityGroupRuleTable;
  port_security_group_bindings: PortSecurityGroupBindingTable;
  address_scopes: AddressScopeTable;
  address_groups: AddressGroupTable;
  address_group_addresses: AddressGroupAddressTable;
  subnetpools: SubnetPoolTable;
  network_rbac_policies: NetworkRbacPolicyTable;
  object_rbac_policies: ObjectRbacPolicyTable;
  auto_allocated_topologies: AutoAllocatedTopologyTable;
}

export interface NetworkTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
  admin_state_up: Flag;
  shared: Flag;
  /** `router:external`. */
  external: Flag;
  mtu: number;
  port_security_enabled: Flag;
  /** `provider:network_type`: flat, vlan, vxlan or local. */
  network_type: string;
  /** `provider:physical_network`; '' for none, so the segment's unique key also holds for tunnels. */
  physical_network: string;
  segmentation_id: number | null;
  /** JSON array of zone names. */
  availability_zone_hints: string;
  /** `is_default` (auto-allocated-topology): the external network auto-allocation routes to. */
  is_default: ColumnType<Flag, Flag | undefined, Flag>;
  /** `dns_domain` (dns-integration): '' for none; an FQDN with its trailing dot otherwise. */
  dns_domain: ColumnType<string, string | undefined, string>;
  /** JSON array of tags. */
  tags: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
}

export interface SubnetTable {
  id: string;
  network_id: string;
  project_id: string;
  name: string;
  description: string;
  ip_version: number;
  cidr: string;
  gateway_ip: string | null;
  enable_dhcp: Flag;
  ipv6_ra_mode: string | null;
  ipv6_address_mode: string | null;
  /** JSON [{start, end}]. */
  allocation_pools: string;
  /** JSON array of addresses, in the order given. */
  dns_nameservers: string;
  /** JSON [{destination, nexthop}]. */
  host_routes: string;
  /** JSON array of device owners. */
  service_types: string;
  /** The subnet pool the CIDR was allocated from, if any. */
  subnetpool_id: string | null;
  tags: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
}

export interface PortTable {
  id: string;
  network_id: string;
  project_id: string;
  name: string;
  description: string;
  mac_address: string;
  admin_state_up: Flag;
  status: string;
  device_id: string;
  device_owner: string;
  binding_host_id: string;
  binding_vnic_type: string;
  binding_vif_type: string;
  /** JSON object. */
  binding_vif_details: string;
  /** JSON object. */
  binding_profile: string;
  port_security_enabled: Flag;
  /** JSON [{ip_address, mac_address}]. */
  allowed_address_pairs: string;
  /** JSON [{opt_name, opt_value, ip_version}]. */
  extra_dhcp_opts: string;
  /** JSON array of security group ids. */
  security_groups: string;
  /** `dns_name` (dns-integration): '' for none. */
  dns_name: ColumnType<string, string | undefined, string>;
  tags: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
}

/** One address of one port; (subnet_id, ip_address) is the primary key. */
export interface IpAllocationTable {
  subnet_id: string;
  ip_address: string;
  port_id: string;
  network_id: string;
}

/** A project's limit for one resource where it differs from the default; -1 is unlimited. */
export interface NetworkQuotaTable {
  project_id: string;
  resource: string;
  hard_limit: number;
}

/** How many ports a project has, kept by triggers on `ports` (migration 0024). */
export interface NetworkPortUsageTable {
  project_id: string;
  ports: number;
}

export interface SecurityGroupTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
  stateful: Flag;
  tags: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
}

/** The project's `default` group; the project is the primary key (one per project). */
export interface DefaultSecurityGroupTable {
  project_id: string;
  security_group_id: string;
}

export interface SecurityGroupRuleTable {
  id: string;
  security_group_id: string;
  project_id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** A protocol name or its number as text, as Neutron stores it; null for any. */
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  /** The address group whose CIDRs are the remote end (security-groups-remote-address-group). */
  remote_address_group_id: string | null;
  description: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
}

/** A port's membership of a group (kept alongside the port's JSON list for queries). */
export interface PortSecurityGroupBindingTable {
  port_id: string;
  security_group_id: string;
}

/** Neutron's address scope: no standard attributes (no tags, description or revision). */
export interface AddressScopeTable {
  id: string;
  project_id: string;
  name: string;
  shared: Flag;
  ip_version: number;
}

/** An address group: a named list of CIDRs a rule can name as its remote end. */
export interface AddressGroupTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
}

/** One CIDR of an address group, normalised (`10.0.0.0/24`, `2001:db8::/64`). */
export interface AddressGroupAddressTable {
  address_group_id: string;
  address: string;
}

export interface SubnetPoolTable {
  id: string;
  project_id: string;
  name: string;
  description: string;
  ip_version: number;
  default_prefixlen: number;
  min_prefixlen: number;
  max_prefixlen: number;
  /** Per-project quota in /32 (IPv4) or /64 (IPv6) units; null for none. */
  default_quota: number | null;
  address_scope_id: string | null;
  shared: Flag;
  is_default: Flag;
  /** JSON array of canonical CIDRs, compacted. */
  prefixes: string;
  tags: string;
  revision_number: number;
  created_at: CreatedAt;
  updated_at: string;
}

/** A network RBAC policy: `action` granted on network `object_id` to `target_project` ('*' for all). */
export interface NetworkRbacPolicyTable {
  id: string;
  project_id: string;
  object_id: string;
  action: 'access_as_shared' | 'access_as_external';
  target_project: string;
  created_at: CreatedAt;
}

/** An access_as_shared policy on a security group, address scope, subnet pool or address group. */
export interface ObjectRbacPolicyTable {
  id: string;
  project_id: string;
  object_type: 'security_group' | 'address_scope' | 'subnetpool' | 'address_group';
  object_id: string;
  action: 'access_as_shared';
  target_project: string;
  created_at: CreatedAt;
}

/** A project's auto-allocated topology; the project key makes concurrent first requests agree. */
export interface AutoAllocatedTopologyTable {
  project_id: string;
  network_id: string;
  router_id: string | null;
  created_at: CreatedAt;
}
