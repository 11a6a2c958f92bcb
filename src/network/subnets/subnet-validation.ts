import type { IpNetwork } from '../ipam/ip-address.js';
import {
  canonicalIp,
  formatIp,
  formatNetwork,
  networkOf,
  parseCidrLoose,
  parseIp,
} from '../ipam/ip-address.js';
import type { IpRange } from '../ipam/ip-pools.js';
import { defaultPools, inPools, poolJson, rangeText } from '../ipam/ip-pools.js';
import {
  dnsNameserversExhausted,
  gatewayConflictWithPools,
  invalidAllocationPool,
  invalidInput,
  overlappingAllocationPools,
  outOfBoundsAllocationPool,
  hostRoutesExhausted,
} from '../network-errors.js';

/** Neutron's max_dns_nameservers and max_subnet_host_routes defaults. */
export const maxDnsNameservers = 5;
export const maxHostRoutes = 20;

export interface SubnetRequest {
  readonly ipVersion: 4 | 6;
  readonly cidr: string;
  /** undefined: the first host; null: no gateway. */
  readonly gatewayIp: string | null | undefined;
  readonly allocationPools: ReadonlyArray<{ start: string; end: string }> | undefined;
  readonly dnsNameservers: ReadonlyArray<string>;
  readonly hostRoutes: ReadonlyArray<{ destination: string; nexthop: string }>;
  readonly enableDhcp: boolean;
  readonly ipv6RaMode: string | null;
  readonly ipv6AddressMode: string | null;
}

export interface SubnetLayout {
  readonly cidr: string;
  readonly network: IpNetwork;
  readonly gatewayIp: string | null;
  readonly allocationPools: Array<{ start: string; end: string }>;
  readonly dnsNameservers: string[];
  readonly hostRoutes: Array<{ destination: string; nexthop: string }>;
}

/** Validates a new subnet as Neutron's _validate_subnet and IPAM do; returns its canonical form. */
export function layoutSubnet(req: SubnetRequest, subnetId = ''): SubnetLayout {
  const parsed = parseCidrLoose(req.cidr)!;
  const network = networkOf(parsed.ip, parsed.prefixLength);
  const cidr = formatNetwork(network);
  if (parsed.ip.version !== req.ipVersion)
    throw invalidInput(`cidr '${req.cidr}' does not match the ip_version '${req.ipVersion}'`);
  checkDhcp(req, network);
  checkIpv6Modes(req);
  const gatewayIp = gatewayOf(req, network);
  const pools =
    req.allocationPools === undefined
      ? defaultPools(network, parseIp(gatewayIp ?? undefined))
      : checkPools(req, network);
  if (gatewayIp !== null) {
    const g = parseIp(gatewayIp)!.value;
    const pool = inPools(pools, g);
    if (pool !== undefined) throw gatewayConflictWithPools(gatewayIp, rangeText(network.version, pool));
  }
  return {
    cidr,
    network,
    gatewayIp,
    allocationPools: pools.map((p) => poolJson(network.version, p)),
    dnsNameservers: checkNameservers(req.dnsNameservers, req.ipVersion, subnetId),
    hostRoutes: checkRoutes(req.hostRoutes, req.ipVersion, subnetId),
  };
}

function checkDhcp(req: SubnetRequest, n: IpNetwork): void {
  if (!req.enableDhcp) return;
  if ((n.version === 4 && n.prefixLength > 30) || (n.version === 6 && n.prefixLength > 126))
    throw invalidInput('Subnet has a prefix length that is incompatible with DHCP service enabled');
}

function checkIpv6Modes(req: SubnetRequest): void {
  if (req.ipVersion === 4) {
    if (req.ipv6RaMode !== null) throw invalidInput('ipv6_ra_mode is not valid when ip_version is 4');
    if (req.ipv6AddressMode !== null)
      throw invalidInput('ipv6_address_mode is not valid when ip_version is 4');
    return;
  }
  const auto = ['slaac', 'dhcpv6-stateless'];
  const network = parseCidrLoose(req.cidr)!;
  if (
    (auto.includes(req.ipv6RaMode ?? '') || auto.includes(req.ipv6AddressMode ?? '')) &&
    network.prefixLength !== 64
  )
    throw invalidInput(
      `Invalid CIDR ${req.cidr} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    );
  if (req.ipv6RaMode !== null && req.ipv6AddressMode !== null && req.ipv6RaMode !== req.ipv6AddressMode)
    throw invalidInput(
      `ipv6_ra_mode set to '${req.ipv6RaMode}' with ipv6_address_mode set to '${req.ipv6AddressMode}' is not valid. If both attributes are set, they must be the same value`,
    );
}

/** The gateway: the first host by default; refused when it is the network or broadcast address. */
export function gatewayOf(req: Pick<SubnetRequest, 'gatewayIp' | 'ipVersion'>, n: IpNetwork): string | null {
  if (req.gatewayIp === null) return null;
  if (req.gatewayIp === undefined)
    return formatIp({ version: n.version, value: n.network + (n.network === n.last ? 0n : 1n) });
  const g = parseIp(req.gatewayIp)!;
  if (g.version !== req.ipVersion)
    throw invalidInput(`gateway_ip '${req.gatewayIp}' does not match the ip_version '${req.ipVersion}'`);
  const inside = g.value >= n.network && g.value <= n.last;
  if (inside && n.version === 4 && n.last - n.network > 1n && (g.value === n.network || g.value === n.last))
    throw invalidInput('Gateway is not valid on subnet');
  return formatIp(g);
}

/** Explicit pools: right version, inside the usable range, not overlapping (sorted by start). */
export function checkPools(req: Pick<SubnetRequest, 'allocationPools'>, n: IpNetwork): IpRange[] {
  const cidr = formatNetwork(n);
  const first = n.network + 1n;
  const last = n.last - (n.version === 4 ? 1n : 0n);
  const pools = (req.allocationPools ?? []).map((p) => {
    const s = parseIp(p.start)!;
    const e = parseIp(p.end)!;
    const text = `${canonicalIp(p.start)}-${canonicalIp(p.end)}`;
    if (s.version !== n.version || e.version !== n.version || s.value > e.value)
      throw invalidAllocationPool(text);
    if (s.value < first || e.value > last) throw outOfBoundsAllocationPool(text, cidr);
    return { start: s.value, end: e.value };
  });
  const sorted = [...pools].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start <= sorted[i - 1]!.end)
      throw overlappingAllocationPools(
        rangeText(n.version, sorted[i - 1]!),
        rangeText(n.version, sorted[i]!),
        cidr,
      );
  }
  return pools;
}

function checkNameservers(list: ReadonlyArray<string>, version: 4 | 6, subnetId: string): string[] {
  if (list.length > maxDnsNameservers) throw dnsNameserversExhausted(subnetId, maxDnsNameservers);
  return list.map((ns) => {
    const ip = parseIp(ns)!;
    if (ip.version !== version)
      throw invalidInput(`dns_nameserver '${ns}' does not match the ip_version '${version}'`);
    return formatIp(ip);
  });
}

function checkRoutes(
  list: ReadonlyArray<{ destination: string; nexthop: string }>,
  version: 4 | 6,
  subnetId: string,
): Array<{ destination: string; nexthop: string }> {
  if (list.length > maxHostRoutes) throw hostRoutesExhausted(subnetId, maxHostRoutes);
  return list.map((r) => {
    const d = parseCidrLoose(r.destination)!;
    const hop = parseIp(r.nexthop)!;
    if (hop.version !== version)
      throw invalidInput(`nexthop '${r.nexthop}' does not match the ip_version '${version}'`);
    if (d.ip.version !== version)
      throw invalidInput(`destination '${r.destination}' does not match the ip_version '${version}'`);
    return { destination: formatNetwork(networkOf(d.ip, d.prefixLength)), nexthop: formatIp(hop) };
  });
}
