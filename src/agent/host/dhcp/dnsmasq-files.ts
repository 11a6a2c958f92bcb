import { v4Mask } from '../../config-drive/network-data.js';
import { isStatefulV6 } from './dhcp-spec.js';
import type { DhcpHost, DhcpSpec, DhcpSubnet } from './dhcp-spec.js';

/** The metadata address guests reach through the DHCP port (option 121 routes it there). */
export const metadataIp = '169.254.169.254';

/** Paths of one network's dnsmasq files inside its private directory. */
export interface DnsmasqPaths {
  readonly pid: string;
  readonly leases: string;
  readonly hosts: string;
  readonly addnHosts: string;
  readonly opts: string;
}

export function dnsmasqPaths(dir: string): DnsmasqPaths {
  return {
    pid: `${dir}/pid`,
    leases: `${dir}/leases`,
    hosts: `${dir}/host`,
    addnHosts: `${dir}/addn_hosts`,
    opts: `${dir}/opts`,
  };
}

export function v4Subnets(spec: DhcpSpec): DhcpSubnet[] {
  return spec.subnets.filter((s) => !s.cidr.includes(':'));
}

/** The DHCPv6 subnets (stateful and stateless; SLAAC ones never reach the spec). */
export function v6Subnets(spec: DhcpSpec): DhcpSubnet[] {
  return spec.subnets.filter((s) => s.cidr.includes(':'));
}

/** A dnsmasq tag per subnet (Neutron's naming): ranges set it, options are chosen by it. */
function tagOf(subnetId: string): string {
  return `subnet-${subnetId}`;
}

export function domainOf(spec: DhcpSpec): string | undefined {
  const d = spec.dnsDomain?.replace(/\.$/, '');
  return d === undefined || d === '' ? undefined : d;
}

/**
 * dnsmasq's command line. Everything that can change while it runs (hosts, options, names)
 * is in files it re-reads on SIGHUP; a change here means a restart.
 */
export function dnsmasqArgs(spec: DhcpSpec, paths: DnsmasqPaths, iface: string): string[] {
  const domain = domainOf(spec);
  const ranges = spec.subnets.map((s) => {
    const [net = '', len = '32'] = s.cidr.split('/');
    // `static` in both families, as Neutron: only the hosts file's addresses are handed out;
    // a stateless subnet's range answers information requests (options) only.
    const size = s.cidr.includes(':') ? len : v4Mask(Number(len));
    return `--dhcp-range=set:${tagOf(s.subnetId)},${net},static,${size},86400s`;
  });
  return [
    '--conf-file=/dev/null',
    '--no-hosts',
    '--no-resolv',
    '--bind-interfaces',
    `--interface=${iface}`,
    '--except-interface=lo',
    `--pid-file=${paths.pid}`,
    `--dhcp-leasefile=${paths.leases}`,
    `--dhcp-hostsfile=${paths.hosts}`,
    `--dhcp-optsfile=${paths.opts}`,
    `--addn-hosts=${paths.addnHosts}`,
    ...ranges,
    // From the subnets' sizes (as Neutron), not the host count: adding a host must stay a SIGHUP.
    `--dhcp-lease-max=${leaseMax(spec)}`,
    ...(domain === undefined ? [] : [`--domain=${domain}`, `--local=/${domain}/`]),
    '--user=root',
  ];
}

function leaseMax(spec: DhcpSpec): number {
  const sizes = spec.subnets.map((s) => {
    const bits = s.cidr.includes(':') ? 128 : 32;
    return 2 ** (bits - Number(s.cidr.split('/')[1] ?? bits));
  });
  return Math.min(
    2 ** 24,
    Math.max(
      16,
      sizes.reduce((a, b) => a + b, 0),
    ),
  );
}

/**
 * One line per static lease: `<mac>,<name>,<address>`, an IPv6 one as `[<address>]` (dnsmasq
 * answers only these MACs; a DHCPv6 client is known by the MAC behind its link-local source,
 * whatever its DUID, as with Neutron). Stateless subnets' addresses are SLAAC: no lease.
 */
export function dnsmasqHostsFile(spec: DhcpSpec): string {
  const leased = new Set(
    spec.subnets.filter((s) => !s.cidr.includes(':') || isStatefulV6(s)).map((s) => s.subnetId),
  );
  return hostsOf(spec, leased)
    .map((h) => {
      const ip = h.ipAddress.includes(':') ? `[${h.ipAddress}]` : h.ipAddress;
      return `${h.mac},${fqdn(spec, h.hostname)},${ip}\n`;
    })
    .join('');
}

/** The spec's hosts on the given subnets, IPv4 first (dnsmasq takes a MAC's first line for v4). */
function hostsOf(spec: DhcpSpec, subnetIds: ReadonlySet<string>): DhcpHost[] {
  const on = spec.hosts.filter((h) => subnetIds.has(h.subnetId));
  return [...on.filter((h) => !h.ipAddress.includes(':')), ...on.filter((h) => h.ipAddress.includes(':'))];
}

/** The names for DNS, in /etc/hosts form, so they resolve before the guest's first lease. */
export function dnsmasqAddnHostsFile(spec: DhcpSpec): string {
  return hostsOf(spec, new Set(spec.subnets.map((s) => s.subnetId)))
    .map((h) => {
      const name = fqdn(spec, h.hostname);
      return `${h.ipAddress}\t${name === h.hostname ? name : `${name} ${h.hostname}`}\n`;
    })
    .join('');
}

/**
 * The per-subnet options. IPv4: router (an empty option 3 when there is no gateway, so
 * dnsmasq does not offer itself), DNS servers (dnsmasq itself when none), MTU (26), and the
 * host routes as classless static routes (121, and Windows' 249). A client that gets 121
 * ignores option 3 (RFC 3442), so the default route is repeated in it; the metadata address
 * is routed via the DHCP port. IPv6: only the DNS servers (dnsmasq gives itself when there
 * are none); the prefix and the default route come from the router's advertisements.
 */
export function dnsmasqOptsFile(spec: DhcpSpec): string {
  const v4 = v4Subnets(spec).flatMap((s) => v4Options(spec, s));
  const v6 = v6Subnets(spec).flatMap((s) =>
    s.dnsNameservers.length === 0
      ? []
      : [`tag:${tagOf(s.subnetId)},option6:dns-server,${s.dnsNameservers.map((ip) => `[${ip}]`).join(',')}`],
  );
  return [...v4, ...v6].map((line) => `${line}\n`).join('');
}

function v4Options(spec: DhcpSpec, s: DhcpSubnet): string[] {
  const tag = `tag:${tagOf(s.subnetId)}`;
  const portIp = spec.port.fixedIps.find((ip) => ip.subnetId === s.subnetId)?.ipAddress;
  const routes = [
    ...(spec.metadataPort !== undefined && portIp !== undefined ? [[`${metadataIp}/32`, portIp]] : []),
    ...s.hostRoutes.filter((r) => !r.destination.includes(':')).map((r) => [r.destination, r.nexthop]),
    ...(s.gatewayIp === null ? [] : [['0.0.0.0/0', s.gatewayIp]]),
  ].map(([dest, hop]) => `${dest},${hop}`);
  return [
    s.gatewayIp === null ? `${tag},option:router` : `${tag},option:router,${s.gatewayIp}`,
    ...(s.dnsNameservers.length > 0 ? [`${tag},option:dns-server,${s.dnsNameservers.join(',')}`] : []),
    `${tag},option:mtu,${spec.mtu}`,
    ...(routes.length > 0
      ? [`${tag},option:classless-static-route,${routes.join(',')}`, `${tag},249,${routes.join(',')}`]
      : []),
  ];
}

function fqdn(spec: DhcpSpec, hostname: string): string {
  const domain = domainOf(spec);
  return domain === undefined ? hostname : `${hostname}.${domain}`;
}
