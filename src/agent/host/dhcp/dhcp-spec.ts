/** What one network's DHCP server serves: plain data the network controller builds from the API. */
export interface DhcpSpec {
  readonly networkId: string;
  readonly mtu: number;
  /** The network's `dns_domain` (a trailing dot is dropped); names are `<hostname>.<domain>`. */
  readonly dnsDomain: string | null;
  /** The network's DHCP port (device_owner `network:dhcp`): its MAC and addresses in the namespace. */
  readonly port: {
    readonly portId: string;
    readonly mac: string;
    readonly fixedIps: ReadonlyArray<{ readonly subnetId: string; readonly ipAddress: string }>;
  };
  /** The subnets with `enable_dhcp`. */
  readonly subnets: ReadonlyArray<DhcpSubnet>;
  /** One static lease per fixed IP of every port on the network (the DHCP port's own excluded). */
  readonly hosts: ReadonlyArray<DhcpHost>;
  /**
   * Serve 169.254.169.254 from the namespace (Neutron's isolated metadata): packets to it are
   * forwarded to the agent's listener on this TCP port at the network's metadata address.
   */
  readonly metadataPort?: number;
}

export interface DhcpSubnet {
  readonly subnetId: string;
  readonly cidr: string;
  /** IPv6: dhcpv6-stateful (addresses and options) or dhcpv6-stateless (options only); else unset. */
  readonly ipv6AddressMode?: string | null;
  readonly gatewayIp: string | null;
  readonly dnsNameservers: ReadonlyArray<string>;
  readonly hostRoutes: ReadonlyArray<{ readonly destination: string; readonly nexthop: string }>;
}

export interface DhcpHost {
  readonly mac: string;
  readonly ipAddress: string;
  readonly subnetId: string;
  /** The port's `dns_name`, else a name made from the address (as Neutron's `host-10-0-0-5`). */
  readonly hostname: string;
}

/** Where the agent runs the DHCP servers. */
export interface DhcpContext {
  /** The agent's data directory: each network's dnsmasq files go under `<dataDir>/dhcp/<network id>`. */
  readonly dataDir: string;
  /** Namespace holding the network's bridge; the agent's own when undefined. */
  readonly hostNetns?: string;
  /** The bridge to plug into; `bridgeNameOf(networkId)` when undefined. */
  readonly bridge?: string;
  /** Put before the machine-wide names (`qdhcp-…`) so several agents on one machine keep apart; '' by default. */
  readonly namePrefix?: string;
}

/** The namespace of a network's DHCP server, as Neutron names it (cut to the bridge's id prefix). */
export function dhcpNetnsName(networkId: string, namePrefix = ''): string {
  return `${namePrefix}qdhcp-${networkId.slice(0, 11)}`;
}

/** Host end (in the bridge) and namespace end of the DHCP port's veth, as Neutron names them. */
export function dhcpDeviceNames(portId: string): { readonly host: string; readonly ns: string } {
  return { host: `tap${portId.slice(0, 11)}`, ns: `ns-${portId.slice(0, 11)}` };
}

/** Neutron's default name for a port without `dns_name`: `host-` and the address, dashed. */
export function defaultHostname(ipAddress: string): string {
  return `host-${ipAddress.replace(/[.:]/g, '-')}`;
}

/** The subnet fields that say whether the network's dnsmasq serves it. */
export interface DhcpSubnetModes {
  readonly ipVersion: number;
  readonly enableDhcp: boolean;
  readonly ipv6RaMode?: string | null | undefined;
  readonly ipv6AddressMode?: string | null | undefined;
}

/**
 * Whether dnsmasq serves the subnet, as Neutron's DHCP agent decides: every IPv4 subnet with
 * `enable_dhcp`; an IPv6 one in dhcpv6-stateful or -stateless address mode, or with neither
 * mode set (addresses from the pool, handed out statefully). SLAAC subnets are the router's.
 */
export function servesDhcp(s: DhcpSubnetModes): boolean {
  if (!s.enableDhcp) return false;
  if (s.ipVersion === 4) return true;
  const address = s.ipv6AddressMode ?? null;
  if (address === 'dhcpv6-stateful' || address === 'dhcpv6-stateless') return true;
  return address === null && (s.ipv6RaMode ?? null) === null;
}

/** Whether an IPv6 subnet hands out addresses by DHCPv6 (not SLAAC, not options only). */
export function isStatefulV6(s: Pick<DhcpSubnet, 'cidr' | 'ipv6AddressMode'>): boolean {
  return s.cidr.includes(':') && s.ipv6AddressMode !== 'dhcpv6-stateless';
}
