import { formatNetwork, parseNetwork } from '../ipam/ip-address.js';
import type { IpNetwork } from '../ipam/ip-address.js';
import { cidrsOf, spansOf } from '../ipam/prefix-set.js';
import { emptyPrefixList, illegalPrefixBounds, prefixVersionMismatch } from './subnetpool-errors.js';

/** What a pool's create body or stored row plus an update reads as (Neutron's SubnetPoolReader). */
export interface PoolInput {
  readonly prefixes: ReadonlyArray<string>;
  readonly minPrefixlen?: number | undefined;
  readonly maxPrefixlen?: number | undefined;
  readonly defaultPrefixlen?: number | undefined;
}

export interface PoolDefinition {
  readonly ipVersion: 4 | 6;
  /** Compacted: overlapping and adjacent prefixes merged, in address order. */
  readonly prefixes: string[];
  readonly networks: IpNetwork[];
  readonly minPrefixlen: number;
  readonly maxPrefixlen: number;
  readonly defaultPrefixlen: number;
}

/** Neutron's bounds: IPv4 pools hand out /8 to /32 by default, IPv6 pools /64 to /128. */
const versionInfo = { 4: { bits: 32, min: 8 }, 6: { bits: 128, min: 64 } } as const;

export function readPool(input: PoolInput): PoolDefinition {
  if (input.prefixes.length === 0) throw emptyPrefixList();
  const parsed = input.prefixes.map(parseNetwork);
  const ipVersion = parsed[0]!.version;
  if (parsed.some((n) => n.version !== ipVersion)) throw prefixVersionMismatch();
  const networks = cidrsOf(ipVersion, spansOf(parsed));
  const info = versionInfo[ipVersion];
  const minPrefixlen = input.minPrefixlen ?? info.min;
  const maxPrefixlen = input.maxPrefixlen ?? info.bits;
  const defaultPrefixlen = input.defaultPrefixlen ?? minPrefixlen;
  if (minPrefixlen > maxPrefixlen)
    throw illegalPrefixBounds('min_prefixlen', minPrefixlen, 'max_prefixlen', maxPrefixlen);
  if (maxPrefixlen > info.bits)
    throw illegalPrefixBounds('max_prefixlen', maxPrefixlen, 'ip_version_max', info.bits);
  if (defaultPrefixlen < minPrefixlen)
    throw illegalPrefixBounds('default_prefixlen', defaultPrefixlen, 'min_prefixlen', minPrefixlen);
  if (defaultPrefixlen > maxPrefixlen)
    throw illegalPrefixBounds('default_prefixlen', defaultPrefixlen, 'max_prefixlen', maxPrefixlen);
  return {
    ipVersion,
    prefixes: networks.map(formatNetwork),
    networks,
    minPrefixlen,
    maxPrefixlen,
    defaultPrefixlen,
  };
}
