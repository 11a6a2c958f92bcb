import { isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';
import type { AllocationRow, PortRow } from '../ports/port-store.js';
import { allocationsOf } from '../ports/port-store.js';
import { hostRouterView } from './host-router-view.js';
import { addressesOf } from '../address-groups/address-group-store.js';
import type { HostExternalNetworkEntry } from './host-router-view.js';
import type { RouterState } from '../../agent/host/router/router-spec.js';
import type { HostDhcpView } from './host-dhcp-view.js';
import { hostDhcpViews } from './host-dhcp-view.js';

/** A security group rule as the dataplane compiles it (Neutron's field names). */
export interface HostRuleView {
  readonly direction: 'ingress' | 'egress';
  readonly ethertype: 'IPv4' | 'IPv6';
  readonly protocol: string | null;
  readonly port_range_min: number | null;
  readonly port_range_max: number | null;
  readonly remote_ip_prefix: string | null;
  readonly remote_group_id: string | null;
  readonly remote_address_group_id: string | null;
}

export interface HostSubnetView {
  readonly id: string;
  readonly cidr: string;
  readonly ipVersion: number;
  readonly gatewayIp: string | null;
  readonly enableDhcp: boolean;
  readonly dnsNameservers: string[];
  readonly hostRoutes: Array<{ destination: string; nexthop: string }>;
  readonly ipv6RaMode: string | null;
  readonly ipv6AddressMode: string | null;
}

export interface HostNetworkEntry {
  readonly id: string;
  readonly mtu: number;
  readonly networkType: string;
  readonly segmentationId: number | null;
  readonly physicalNetwork: string | null;
  /** The domain of the ports' names: the network's `dns_domain`, else the cloud's. */
  readonly dnsDomain: string;
  readonly subnets: HostSubnetView[];
  /** The network's ports bound to other hosts (compute maps hosts to tunnel addresses). */
  readonly remotePorts: Array<{ mac: string; host: string }>;
  /** Set when this host serves the network's DHCP (its DHCP port is bound here). */
  readonly dhcp?: HostDhcpView;
}

export interface HostPortEntry {
  readonly id: string;
  readonly networkId: string;
  readonly mac: string;
  readonly mtu: number;
  readonly fixedIps: string[];
  readonly allowedAddressPairs: Array<{ ip_address: string; mac_address?: string }>;
  readonly portSecurityEnabled: boolean;
  readonly rules: HostRuleView[];
}

/** The network service's view of one host: what its L2 agent would be told by Neutron's RPCs. */
export interface HostNetworkView {
  readonly networks: HostNetworkEntry[];
  readonly ports: HostPortEntry[];
  readonly remoteGroups: Record<string, string[]>;
  /** Each address group the ports' rules name → its CIDRs (absent when none is named). */
  readonly addressGroups?: Record<string, string[]>;
  /** The routers placed on the host (routers.host), and the external network they reach. */
  readonly routers?: RouterState[];
  readonly externalNetwork?: HostExternalNetworkEntry | undefined;
}

/** Instances' ports (Nova's device_owner); DHCP and router ports get their own wiring. */
const instanceOwner = 'compute:%';

/**
 * The networks, ports and remote groups of the instance ports bound to `host`, read in a
 * handful of queries whatever the number of ports (the agent asks on every change).
 */
export async function hostNetworkView(db: Db, host: string, dnsDomain = ''): Promise<HostNetworkView> {
  const routed = await hostRouterView(db, host);
  // Only a router host hears of routers: the others' views stay as they were.
  const l3 =
    routed.routers.length === 0 ? {} : { routers: routed.routers, externalNetwork: routed.externalNetwork };
  const ports = await db
    .selectFrom('ports')
    .selectAll()
    .where('binding_host_id', '=', host)
    .where('device_owner', 'like', instanceOwner)
    .orderBy('id')
    .execute();
  const networkIds = [...new Set([...ports.map((p) => p.network_id), ...routed.networkIds])];
  if (networkIds.length === 0) return { networks: [], ports: [], remoteGroups: {}, ...l3 };
  const [networks, ips, rules] = await Promise.all([
    networkEntries(db, host, networkIds, dnsDomain),
    allocationsOf(db, ports),
    rulesOfPorts(
      db,
      ports.map((p) => p.id),
    ),
  ]);
  const mtus = new Map(networks.map((n) => [n.id, n.mtu]));
  const named = [...rules.values()].flat();
  const groups = [...new Set(named.flatMap((r) => r.remote_group_id ?? []))];
  const addressGroups = [...new Set(named.flatMap((r) => r.remote_address_group_id ?? []))];
  return {
    networks,
    ports: ports.map((p) =>
      portEntry(p, mtus.get(p.network_id) ?? 1500, ips.get(p.id) ?? [], rules.get(p.id)),
    ),
    remoteGroups: await groupMembers(db, groups),
    ...(addressGroups.length > 0 && {
      addressGroups: Object.fromEntries(await addressesOf(db, addressGroups)),
    }),
    ...l3,
  };
}

async function networkEntries(
  db: Db,
  host: string,
  ids: string[],
  dnsDomain: string,
): Promise<HostNetworkEntry[]> {
  const [nets, subnets, remote, dhcp] = await Promise.all([
    db.selectFrom('networks').selectAll().where('id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('subnets').selectAll().where('network_id', 'in', ids).orderBy('id').execute(),
    db
      .selectFrom('ports')
      .select(['network_id', 'mac_address', 'binding_host_id'])
      .where('network_id', 'in', ids)
      .where('binding_host_id', '!=', host)
      .where('binding_host_id', '!=', '')
      .orderBy('id')
      .execute(),
    hostDhcpViews(db, host, ids),
  ]);
  return nets.map((n) => ({
    id: n.id,
    mtu: n.mtu,
    networkType: n.network_type,
    segmentationId: n.segmentation_id,
    physicalNetwork: n.physical_network === '' ? null : n.physical_network,
    dnsDomain: n.dns_domain === '' ? dnsDomain : n.dns_domain,
    subnets: subnets
      .filter((s) => s.network_id === n.id)
      .map((s) => ({
        id: s.id,
        cidr: s.cidr,
        ipVersion: s.ip_version,
        gatewayIp: s.gateway_ip,
        enableDhcp: isSet(s.enable_dhcp),
        dnsNameservers: parseJson<string[]>(s.dns_nameservers, []),
        hostRoutes: parseJson<Array<{ destination: string; nexthop: string }>>(s.host_routes, []),
        ipv6RaMode: s.ipv6_ra_mode,
        ipv6AddressMode: s.ipv6_address_mode,
      })),
    remotePorts: remote
      .filter((p) => p.network_id === n.id)
      .map((p) => ({ mac: p.mac_address, host: p.binding_host_id })),
    ...(dhcp.has(n.id) && { dhcp: dhcp.get(n.id) }),
  }));
}

type Pairs = Array<{ ip_address: string; mac_address?: string }>;

function portEntry(
  p: PortRow,
  mtu: number,
  ips: ReadonlyArray<AllocationRow>,
  rules: HostRuleView[] | undefined,
): HostPortEntry {
  return {
    id: p.id,
    networkId: p.network_id,
    mac: p.mac_address,
    mtu,
    fixedIps: ips.map((a) => a.ip_address),
    allowedAddressPairs: parseJson<Pairs>(p.allowed_address_pairs, []),
    portSecurityEnabled: isSet(p.port_security_enabled),
    rules: rules ?? [],
  };
}

/** The effective rules of each port (every rule of every group it is in), in one query. */
async function rulesOfPorts(db: Db, portIds: string[]): Promise<Map<string, HostRuleView[]>> {
  if (portIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('security_group_rules')
    .innerJoin(
      'port_security_group_bindings',
      'port_security_group_bindings.security_group_id',
      'security_group_rules.security_group_id',
    )
    .select([
      'port_security_group_bindings.port_id',
      'security_group_rules.direction',
      'security_group_rules.ethertype',
      'security_group_rules.protocol',
      'security_group_rules.port_range_min',
      'security_group_rules.port_range_max',
      'security_group_rules.remote_ip_prefix',
      'security_group_rules.remote_group_id',
      'security_group_rules.remote_address_group_id',
    ])
    .where('port_security_group_bindings.port_id', 'in', portIds)
    .orderBy('security_group_rules.created_at')
    .orderBy('security_group_rules.id')
    .execute();
  const out = new Map<string, HostRuleView[]>();
  for (const { port_id, ...rule } of rows) out.set(port_id, [...(out.get(port_id) ?? []), rule]);
  return out;
}

/** Each remote group's members' addresses: their fixed IPs and allowed address pairs. */
async function groupMembers(db: Db, groupIds: string[]): Promise<Record<string, string[]>> {
  if (groupIds.length === 0) return {};
  const members = await db
    .selectFrom('port_security_group_bindings')
    .innerJoin('ports', 'ports.id', 'port_security_group_bindings.port_id')
    .select([
      'port_security_group_bindings.security_group_id as group_id',
      'ports.id',
      'ports.network_id',
      'ports.allowed_address_pairs',
    ])
    .where('port_security_group_bindings.security_group_id', 'in', groupIds)
    .execute();
  const ips = await allocationsOf(db, members);
  const out: Record<string, string[]> = Object.fromEntries(groupIds.map((g) => [g, []]));
  for (const m of members) {
    const addrs = [
      ...(ips.get(m.id) ?? []).map((a) => a.ip_address),
      ...parseJson<Pairs>(m.allowed_address_pairs, []).map((a) => a.ip_address),
    ];
    out[m.group_id] = [...new Set([...(out[m.group_id] ?? []), ...addrs])];
  }
  return out;
}
