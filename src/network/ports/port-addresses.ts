import { formatIp, parseIp, parseNetwork } from '../ipam/ip-address.js';
import { pickFree, poolSize, randomCandidates } from '../ipam/ip-allocator.js';
import { isHostAddress, poolFromJson } from '../ipam/ip-pools.js';
import { eui64 } from '../ipam/mac-address.js';
import { parseJson } from '../../db/row-codec.js';
import {
  invalidInput,
  invalidIpForNetwork,
  invalidIpForSubnet,
  ipAlreadyAllocated,
  ipGenerationFailure,
} from '../network-errors.js';
import type { Db } from '../../db/db-handle.js';
import type { SubnetRow } from '../subnets/subnet-store.js';
import { allocatedIn, takenAmong } from './port-store.js';

export interface FixedIpRequest {
  readonly subnet_id?: string;
  readonly ip_address?: string;
}

export interface PlannedAddress {
  readonly subnetId: string;
  readonly ip: string;
}

const autoModes: ReadonlyArray<string | null> = ['slaac', 'dhcpv6-stateless'];

/** Subnets whose addresses are EUI-64 from the MAC (Neutron's is_auto_address_subnet). */
export const isAutoAddress = (s: Pick<SubnetRow, 'ipv6_address_mode' | 'ipv6_ra_mode'>) =>
  autoModes.includes(s.ipv6_address_mode) || autoModes.includes(s.ipv6_ra_mode);
const isAuto = isAutoAddress;

/** Neutron's ROUTER_INTERFACE_OWNERS: ports that may take a fixed address on a SLAAC subnet. */
const routerInterfaceOwners: ReadonlyArray<string> = [
  'network:router_interface',
  'network:router_interface_distributed',
  'network:ha_router_replicated_interface',
];

/** Subnets a port with this owner may take addresses from (subnet-service-types). */
function servesOwner(s: SubnetRow, owner: string): boolean {
  const types = parseJson<string[]>(s.service_types, []);
  return types.length === 0 || types.includes(owner);
}

/**
 * The addresses a new port gets, as Neutron's IPAM chooses them: the ones asked for, or
 * one IPv4 address from the first subnet with room, one stateful IPv6 address, and an
 * EUI-64 address on every SLAAC subnet. Reads what is taken inside the caller's
 * transaction; the allocation primary key settles races.
 */
export async function planAddresses(
  db: Db,
  networkId: string,
  subnets: ReadonlyArray<SubnetRow>,
  requests: ReadonlyArray<FixedIpRequest> | undefined,
  owner: string,
  mac: string,
): Promise<PlannedAddress[]> {
  if (requests === undefined)
    return automatic(
      db,
      networkId,
      subnets.filter((s) => servesOwner(s, owner)),
      mac,
    );
  const out: PlannedAddress[] = [];
  for (const r of requests) out.push(await requested(db, networkId, subnets, r, mac, owner));
  return out;
}

async function automatic(db: Db, networkId: string, subnets: ReadonlyArray<SubnetRow>, mac: string) {
  const out: PlannedAddress[] = [];
  const v4 = subnets.filter((s) => s.ip_version === 4);
  const v6Stateful = subnets.filter((s) => s.ip_version === 6 && !isAuto(s));
  for (const family of [v4, v6Stateful]) {
    if (family.length === 0) continue;
    let got: PlannedAddress | undefined;
    for (const s of family) {
      got = await fromPools(db, s);
      if (got !== undefined) break;
    }
    if (got === undefined) throw ipGenerationFailure(networkId);
    out.push(got);
  }
  for (const s of subnets.filter(isAuto)) out.push({ subnetId: s.id, ip: slaacAddress(s, mac) });
  return out;
}

async function requested(
  db: Db,
  networkId: string,
  subnets: ReadonlyArray<SubnetRow>,
  r: FixedIpRequest,
  mac: string,
  owner: string,
): Promise<PlannedAddress> {
  const ip = r.ip_address === undefined ? undefined : parseIp(r.ip_address)!;
  let subnet: SubnetRow | undefined;
  if (r.subnet_id !== undefined) {
    subnet = subnets.find((s) => s.id === r.subnet_id);
    if (subnet === undefined)
      throw invalidInput(
        `Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${r.subnet_id}`,
      );
  } else if (ip !== undefined) {
    subnet = subnets.find((s) => isHostAddress(parseNetwork(s.cidr), ip));
    if (subnet === undefined) throw invalidIpForNetwork(r.ip_address!);
  } else throw invalidInput('IP allocation requires subnet_id or ip_address');
  if (ip === undefined) {
    if (isAuto(subnet)) return { subnetId: subnet.id, ip: slaacAddress(subnet, mac) };
    const got = await fromPools(db, subnet);
    if (got === undefined) throw ipGenerationFailure(networkId);
    return got;
  }
  if (!isHostAddress(parseNetwork(subnet.cidr), ip)) throw invalidIpForSubnet(r.ip_address!);
  const text = formatIp(ip);
  // A router interface holds the subnet's gateway even on SLAAC subnets (Neutron exempts them).
  if (isAuto(subnet) && !routerInterfaceOwners.includes(owner))
    throw invalidInput(
      `IPv6 address ${text} cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses`,
    );
  if ((await allocatedIn(db, subnet.id)).has(text)) throw ipAlreadyAllocated(text, subnet.id);
  return { subnetId: subnet.id, ip: text };
}

/**
 * A free address of the subnet. A large pool asks about a few random candidates (one
 * indexed query); when they are all taken, or the pool is small, it reads every taken
 * address and picks among the first free ones.
 */
async function fromPools(db: Db, s: SubnetRow): Promise<PlannedAddress | undefined> {
  const version = s.ip_version as 4 | 6;
  const text = (value: bigint) => formatIp({ version, value });
  const pools = parseJson<Array<{ start: string; end: string }>>(s.allocation_pools, []).map(poolFromJson);
  if (poolSize(pools) > sparseThreshold) {
    const candidates = randomCandidates(pools, 16).map(text);
    const taken = await takenAmong(db, s.id, candidates);
    const free = candidates.find((c) => !taken.has(c));
    if (free !== undefined) return { subnetId: s.id, ip: free };
  }
  const taken = await allocatedIn(db, s.id);
  const value = pickFree(pools, (v) => taken.has(text(v)));
  return value === undefined ? undefined : { subnetId: s.id, ip: text(value) };
}

/** Pools larger than this are sampled rather than read whole. */
const sparseThreshold = 1024n;

export function slaacAddress(s: Pick<SubnetRow, 'cidr'>, mac: string): string {
  return formatIp({ version: 6, value: eui64(parseNetwork(s.cidr).network, mac) });
}
