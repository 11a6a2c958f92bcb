import { formatIp, networkOf, parseCidrLoose, formatNetwork } from '../ipam/ip-address.js';
import { pyRepr } from '../network-attributes.js';
import { invalidCidr, invalidEtherType, invalidPortValue, invalidProtocol } from './security-group-errors.js';

/** neutron-lib's IP_PROTOCOL_MAP: the protocol names a rule may use, with their numbers. */
export const ipProtocols: Readonly<Record<string, number>> = {
  ah: 51,
  dccp: 33,
  egp: 8,
  esp: 50,
  gre: 47,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ip: 0,
  ipip: 4,
  'ipv6-encap': 41,
  'ipv6-frag': 44,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  'ipv6-route': 43,
  ospf: 89,
  pgm: 113,
  rsvp: 46,
  sctp: 132,
  tcp: 6,
  udp: 17,
  udplite: 136,
  vrrp: 112,
};

/** The protocols whose rules carry port ranges (Neutron's SG_PORT_PROTO_NAMES and numbers). */
export const portProtocols: ReadonlySet<number> = new Set([33, 132, 6, 17, 136]);
/** IPv6-only protocols a rule for IPv4 may not name (SecurityGroupEthertypeConflictWithProtocol). */
const ipv6Only = new Set([
  'ipv6-encap',
  'ipv6-frag',
  'ipv6-icmp',
  'icmpv6',
  'ipv6-nonxt',
  'ipv6-opts',
  'ipv6-route',
]);
const ipv6OnlyNumbers = new Set(['41', '44', '58', '59', '60', '43']);

const supportedList = pyRepr([null, ...Object.keys(ipProtocols)]);

/** convert_protocol: a number 0-255 becomes its text, a name its lower case; null stays null. */
export function convertProtocol(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const asNumber =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (Number.isInteger(asNumber)) {
    if (asNumber >= 0 && asNumber <= 255) return String(asNumber);
    throw invalidProtocol(v, supportedList);
  }
  if (typeof v === 'string' && v.toLowerCase() in ipProtocols) return v.toLowerCase();
  throw invalidProtocol(typeof v === 'string' ? v : pyRepr(v), supportedList);
}

/** The protocol's number (names through the map; icmpv6 is ipv6-icmp). */
export function protocolNumber(protocol: string): number {
  return ipProtocols[protocol] ?? Number(protocol);
}

/** An IPv6 rule's `icmp`/`icmpv6` (or 1) is ipv6-icmp (or 58), as Neutron rewrites it. */
export function canonicalIpv6Icmp(protocol: string | null, ethertype: string): string | null {
  if (ethertype !== 'IPv6' || protocol === null) return protocol;
  if (protocol === 'icmp' || protocol === 'icmpv6') return 'ipv6-icmp';
  if (protocol === '1') return '58';
  return protocol;
}

export function isIpv6Only(protocol: string): boolean {
  return ipv6Only.has(protocol) || ipv6OnlyNumbers.has(protocol);
}

/** convert_ethertype_to_case_insensitive. */
export function convertEthertype(v: unknown): 'IPv4' | 'IPv6' {
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'ipv4') return 'IPv4';
    if (v.toLowerCase() === 'ipv6') return 'IPv6';
  }
  throw invalidEtherType(v);
}

/** convert_validate_port_value: 0-65535 as an integer, null stays null. */
export function convertPort(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= 0 && n <= 65535) return n;
  throw invalidPortValue(typeof v === 'string' ? v : pyRepr(v));
}

/** convert_ip_prefix_to_cidr: `address/prefix` with the address as given; '' and null are none. */
export function convertIpPrefix(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const c = parseCidrLoose(v);
  if (c === undefined) throw invalidCidr(typeof v === 'string' ? v : pyRepr(v));
  return `${formatIp(c.ip)}/${c.prefixLength}`;
}

/** The prefix with host bits cleared (security-groups-normalized-cidr). */
export function normalizedCidr(prefix: string | null): string | null {
  if (prefix === null) return null;
  const c = parseCidrLoose(prefix);
  return c === undefined ? null : formatNetwork(networkOf(c.ip, c.prefixLength));
}

/** The IP version of a stored prefix. */
export function prefixVersion(prefix: string): 4 | 6 | undefined {
  return parseCidrLoose(prefix)?.ip.version;
}
