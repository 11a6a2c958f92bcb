import ipaddr from 'ipaddr.js';

/** An IP address as a number, so ranges and pools are plain arithmetic. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

/** A network in canonical form: the address with host bits cleared, and its size. */
export interface IpNetwork {
  readonly version: 4 | 6;
  readonly network: bigint;
  readonly prefixLength: number;
  /** The last address of the network (the broadcast address in IPv4). */
  readonly last: bigint;
}

const bits = (version: 4 | 6): number => (version === 4 ? 32 : 128);

/**
 * Parses an address strictly: dotted quads without leading zeros for IPv4 (as netaddr's
 * INET_PTON mode, which Neutron uses), no zone index for IPv6.
 */
export function parseIp(text: unknown): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return fromBytes(4, ipaddr.IPv4.parse(text).toByteArray());
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  return fromBytes(6, ipaddr.IPv6.parse(text).toByteArray());
}

function fromBytes(version: 4 | 6, bytes: number[]): IpAddress {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return { version, value };
}

/** The canonical text: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIp(ip: IpAddress): string {
  const bytes: number[] = [];
  let v = ip.value;
  for (let i = 0; i < bits(ip.version) / 8; i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** The same address in canonical text, or the input unchanged when it is not an address. */
export function canonicalIp(text: string): string {
  const ip = parseIp(text);
  return ip === undefined ? text : formatIp(ip);
}

/** `address/prefix`, whatever its host bits; undefined when either part is not valid. */
export function parseCidrLoose(
  text: unknown,
): { readonly ip: IpAddress; readonly prefixLength: number } | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  if (slash < 0) return { ip, prefixLength: bits(ip.version) };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > bits(ip.version)) return undefined;
  return { ip, prefixLength: Number(p) };
}

/** The network an address/prefix belongs to. */
export function networkOf(ip: IpAddress, prefixLength: number): IpNetwork {
  const hostBits = BigInt(bits(ip.version) - prefixLength);
  const hostMask = (1n << hostBits) - 1n;
  const network = ip.value & ~hostMask;
  return { version: ip.version, network, prefixLength, last: network | hostMask };
}

export function formatNetwork(n: IpNetwork): string {
  return `${formatIp({ version: n.version, value: n.network })}/${n.prefixLength}`;
}

/** Parses a canonical CIDR as stored on a subnet. */
export function parseNetwork(cidr: string): IpNetwork {
  const c = parseCidrLoose(cidr);
  if (c === undefined) throw new Error(`not a CIDR: ${cidr}`);
  return networkOf(c.ip, c.prefixLength);
}

export function contains(n: IpNetwork, ip: IpAddress): boolean {
  return ip.version === n.version && ip.value >= n.network && ip.value <= n.last;
}

export function overlaps(a: IpNetwork, b: IpNetwork): boolean {
  return a.version === b.version && a.network <= b.last && b.network <= a.last;
}
