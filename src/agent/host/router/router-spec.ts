import ipaddr from 'ipaddr.js';
import { maxIfNameBytes } from '../veth.js';

/** An address on a router interface, as `ip` writes it (`10.0.0.1/26`). */
export interface RouterAddress {
  readonly ip: string;
  readonly prefixLength: number;
}

/** A router port on a subnet's network: a veth whose host end is in the network's bridge. */
export interface RouterInterfaceSpec {
  readonly portId: string;
  /** The port's network: its Linux bridge is `bridgeNameOf(networkId)`. */
  readonly networkId: string;
  readonly mac: string;
  readonly mtu: number;
  readonly addresses: ReadonlyArray<RouterAddress>;
}

/** The external gateway: a router port on the external network. */
export interface RouterGatewaySpec extends RouterInterfaceSpec {
  /** The external subnet's gateway: the router's default route. */
  readonly nextHop: string | undefined;
  /** Neutron's `enable_snat`: internal subnets leave with the gateway address as source. */
  readonly snat: boolean;
}

/** One of the router's `routes` (Neutron's extraroute). */
export interface RouterRoute {
  readonly destination: string;
  readonly nexthop: string;
}

/** A floating IP on this router: 1:1 NAT between it and a fixed IP behind an interface. */
export interface RouterFloatingIp {
  readonly floatingIp: string;
  readonly fixedIp: string;
}

/**
 * Everything a host needs to set one router up, as plain data. `ensureRouter` makes the
 * host match it; its floating IPs are the whole set, so a sync replaces them atomically.
 */
export interface RouterSpec {
  readonly id: string;
  /** Namespace holding the networks' bridges; the agent's own when undefined. */
  readonly hostNetns?: string | undefined;
  /** Before the router's namespace name (several agents on one machine); '' by default. */
  readonly namePrefix?: string | undefined;
  readonly gateway: RouterGatewaySpec | undefined;
  readonly interfaces: ReadonlyArray<RouterInterfaceSpec>;
  readonly routes: ReadonlyArray<RouterRoute>;
  readonly floatingIps: ReadonlyArray<RouterFloatingIp>;
}

/** A router as the control plane describes it to its host (the host knows where its bridges are). */
export type RouterState = Omit<RouterSpec, 'hostNetns' | 'namePrefix'>;

/** Neutron's L3 agent names: the namespace and the two kinds of interface inside it. */
export const routerNetnsPrefix = 'qrouter-';
export const internalPrefix = 'qr-';
export const gatewayPrefix = 'qg-';
/** The host end of a router port's veth (a tap-like name, apart from the VM taps). */
export const hostEndPrefix = 'rtr';

/** The router's namespace: `qrouter-<router id>`, as Neutron's L3 agent (after the host's name prefix). */
export function routerNetnsOf(routerId: string, namePrefix = ''): string {
  return `${namePrefix}${routerNetnsPrefix}${routerId}`;
}

/** Neutron's length of a port id in a device name (14 bytes with a 3-byte prefix). */
const portIdChars = maxIfNameBytes - 4;

/** `qr-`/`qg-` and the port id's first 11 characters, as Neutron names them in the namespace. */
export function routerIfNameOf(kind: 'internal' | 'gateway', portId: string): string {
  return `${kind === 'internal' ? internalPrefix : gatewayPrefix}${portId.slice(0, portIdChars)}`;
}

/** The host end of the port's veth, in the network's bridge: `rtr` and the same 11 characters. */
export function hostEndNameOf(portId: string): string {
  return `${hostEndPrefix}${portId.slice(0, portIdChars)}`;
}

/** The addresses the gateway interface holds: its own, and each floating IP as /32 (for ARP). */
export function gatewayAddresses(spec: RouterSpec): RouterAddress[] {
  if (spec.gateway === undefined) return [];
  const fips = spec.floatingIps.map((f) => ({ ip: f.floatingIp, prefixLength: 32 }));
  return [...spec.gateway.addresses, ...fips];
}

/** The subnets behind the router's internal interfaces (network address/prefix). */
export function internalCidrs(spec: RouterSpec): string[] {
  const cidrs = spec.interfaces.flatMap((i) =>
    i.addresses.filter((a) => !a.ip.includes(':')).map((a) => networkOf(a)),
  );
  return [...new Set(cidrs)];
}

/** `10.0.0.1/26` → `10.0.0.0/26` (IPv4). */
export function networkOf(a: RouterAddress): string {
  const net = ipaddr.IPv4.networkAddressFromCIDR(`${a.ip}/${a.prefixLength}`);
  return `${net.toString()}/${a.prefixLength}`;
}
