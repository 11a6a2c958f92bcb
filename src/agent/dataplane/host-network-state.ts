import type { SecurityRule } from '../host/nft-rules.js';
import type { AllowedAddressPair } from '../host/nft-port-filter.js';
import type { RouterState } from '../host/router/router-spec.js';

/** A subnet as the host's network services (DHCP, metadata, routers) will need it. */
export interface HostSubnet {
  readonly id: string;
  readonly cidr: string;
  readonly ipVersion: number;
  readonly gatewayIp: string | null;
  readonly enableDhcp: boolean;
  readonly dnsNameservers: ReadonlyArray<string>;
  readonly hostRoutes: ReadonlyArray<{ readonly destination: string; readonly nexthop: string }>;
  /** IPv6: who advertises the prefix and how (slaac, dhcpv6-stateful, dhcpv6-stateless); null for none. */
  readonly ipv6RaMode?: string | null;
  /** IPv6: how ports get their addresses (slaac, dhcpv6-stateful, dhcpv6-stateless); null for unset. */
  readonly ipv6AddressMode?: string | null;
}

/** A network with ports on this host, with its segment and where else it is carried. */
export interface HostNetwork {
  readonly id: string;
  readonly mtu: number;
  /** `provider:network_type`: vxlan, flat, vlan or local. */
  readonly networkType: string;
  /** The VNI of a vxlan network, the VLAN id of a vlan one; null otherwise. */
  readonly segmentationId: number | null;
  /** `provider:physical_network`; null for tunnels and local networks. */
  readonly physicalNetwork: string | null;
  /** The domain dnsmasq names the ports in (network `dns_domain`, else the cloud's); '' for none. */
  readonly dnsDomain?: string;
  readonly subnets: ReadonlyArray<HostSubnet>;
  /** Underlay (tunnel) addresses of the other hosts with ports on the network: the flood list. */
  readonly remoteHosts: ReadonlyArray<string>;
  /** Ports of the network on other hosts: MAC → that host's tunnel address (static FDB). */
  readonly remotePorts: ReadonlyArray<{ readonly mac: string; readonly tunnelIp: string }>;
  /** Set when this host serves the network's DHCP and metadata (the DHCP port is bound here). */
  readonly dhcp?: HostDhcp;
}

/** The network's DHCP port and the static leases of its instance ports (any host's). */
export interface HostDhcp {
  readonly portId: string;
  readonly mac: string;
  readonly fixedIps: ReadonlyArray<{ readonly subnetId: string; readonly ipAddress: string }>;
  readonly leases: ReadonlyArray<{
    readonly mac: string;
    readonly ipAddress: string;
    readonly subnetId: string;
    /** The port's `dns_name`, else its server's hostname (Nova's sanitised display name). */
    readonly hostname: string;
  }>;
}

/** A port bound to this host, with what its filter needs. */
export interface HostPort {
  readonly id: string;
  readonly networkId: string;
  /** The host-side device (tap or veth end) the driver creates for the port. */
  readonly device: string;
  readonly mac: string;
  readonly mtu: number;
  readonly fixedIps: ReadonlyArray<string>;
  readonly allowedAddressPairs: ReadonlyArray<AllowedAddressPair>;
  readonly portSecurityEnabled: boolean;
  /** Every rule of every group of the port (`effectiveRulesOfPort`). */
  readonly rules: ReadonlyArray<SecurityRule>;
}

/**
 * What the control plane wants of one host's network: the networks its ports are on, the
 * ports, and the addresses of every remote group the ports' rules name. The network
 * controller makes the host match it (level-triggered, whole state each time).
 */
export interface HostNetworkState {
  readonly networks: ReadonlyArray<HostNetwork>;
  readonly ports: ReadonlyArray<HostPort>;
  /** Remote group id → its members' addresses (fixed IPs and allowed address pairs). */
  readonly remoteGroups: Readonly<Record<string, ReadonlyArray<string>>>;
  /** Address group id → its CIDRs, for rules with a remote address group (absent: none). */
  readonly addressGroups?: Readonly<Record<string, ReadonlyArray<string>>>;
  /** The routers the scheduler placed on this host (their networks are in `networks`). */
  readonly routers?: ReadonlyArray<RouterState>;
  /** The default external network's far side, on a host that runs routers. */
  readonly externalNetwork?: HostExternalNetwork | undefined;
}

/** The external network as its router host needs it (its bridge is in `networks` too). */
export interface HostExternalNetwork {
  readonly id: string;
  readonly mtu: number;
  /** The external subnet's gateway, held by the far side (e.g. 172.24.4.1 and 24). */
  readonly gatewayIp: string;
  readonly prefixLength: number;
  /** `provider:physical_network`: with `--physical-network` for it, the bridge gets that interface. */
  readonly physicalNetwork: string | null;
}
