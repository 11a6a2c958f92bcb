import type { IpAddress, IpNetwork } from './ip-address.js';
import { formatIp, parseIp } from './ip-address.js';

/** An inclusive range of addresses, as `allocation_pools` entries are. */
export interface IpRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Whether a port may hold `ip` on the subnet (Neutron's check_subnet_ip): inside it, and
 * not the network address, nor in IPv4 the broadcast address (a /31 has none).
 */
export function isHostAddress(n: IpNetwork, ip: IpAddress): boolean {
  if (ip.version !== n.version || ip.value < n.network || ip.value > n.last) return false;
  if (n.version === 6) return ip.value !== n.network;
  const hasBroadcast = n.last - n.network > 1n;
  return ip.value !== n.network && !(hasBroadcast && ip.value === n.last);
}

/**
 * Neutron's default pools: the usable range without the gateway, split in two when the
 * gateway sits inside it. A /31 (and a 2-address IPv6 net) has no default pool.
 */
export function defaultPools(n: IpNetwork, gateway: IpAddress | undefined): IpRange[] {
  if (n.network === n.last) return [{ start: n.network, end: n.last }];
  const start = n.network + 1n;
  const end = n.last - (n.version === 4 ? 1n : 0n);
  if (start >= end) return [];
  const g = gateway?.value;
  if (g === undefined || g < start || g > end) return [{ start, end }];
  const pools: IpRange[] = [];
  if (g > start) pools.push({ start, end: g - 1n });
  if (g < end) pools.push({ start: g + 1n, end });
  return pools;
}

export function rangeText(version: 4 | 6, r: IpRange): string {
  return `${formatIp({ version, value: r.start })}-${formatIp({ version, value: r.end })}`;
}

export function poolJson(version: 4 | 6, r: IpRange): { start: string; end: string } {
  return { start: formatIp({ version, value: r.start }), end: formatIp({ version, value: r.end }) };
}

export function poolFromJson(p: { start: string; end: string }): IpRange {
  return { start: parseIp(p.start)!.value, end: parseIp(p.end)!.value };
}

export function inPools(pools: ReadonlyArray<IpRange>, value: bigint): IpRange | undefined {
  return pools.find((p) => value >= p.start && value <= p.end);
}
