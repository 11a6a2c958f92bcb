import type { Db } from '../../db/db-handle.js';
import { parseJson } from '../../db/row-codec.js';
import { formatNetwork, networkOf, parseCidrLoose, parseIp, parseNetwork } from '../ipam/ip-address.js';
import { firstFree, isSubset, spansOf, subtract } from '../ipam/prefix-set.js';
import type { NetworkCaller } from '../network-context.js';
import { badRequest } from '../network-errors.js';
import {
  maxPrefixAllocationError,
  minPrefixAllocationError,
  networkAddressScopeAffinityError,
  networkSubnetPoolAffinityError,
  subnetAllocationError,
  subnetPoolNotFound,
  subnetPoolQuotaExceeded,
} from './subnetpool-errors.js';
import { findSubnetPool } from './subnetpool-service.js';
import type { SubnetPoolRow } from './subnetpool-store.js';
import { lockSubnetPoolRow, subnetsOfPool } from './subnetpool-store.js';

/** A subnet create's request to a pool (Neutron's Any- or SpecificSubnetRequest). */
export interface PoolRequest {
  readonly subnetpoolId: string;
  readonly projectId: string;
  readonly ipVersion: number;
  readonly cidr: string | undefined;
  readonly prefixlen: number | undefined;
  readonly gatewayIp: string | null | undefined;
}

/** Quota units: IPv4 pools count /32s, IPv6 pools /64s. */
const quotaUnit = { 4: 32, 6: 64 } as const;

/**
 * Carves the subnet's CIDR out of the pool inside the creating transaction. The pool's row
 * is locked first, so concurrent creates see each other's subnets and never share a prefix.
 */
export async function allocateFromPool(
  tx: Db,
  caller: NetworkCaller,
  dialect: 'sqlite' | 'postgres',
  req: PoolRequest,
): Promise<{ cidr: string; pool: SubnetPoolRow }> {
  await findSubnetPool(tx, caller, req.subnetpoolId);
  const pool = await lockSubnetPoolRow(tx, req.subnetpoolId, dialect);
  if (pool === undefined) throw subnetPoolNotFound(req.subnetpoolId);
  if (req.ipVersion !== pool.ip_version)
    throw badRequest(
      'subnets',
      `Cannot allocate IPv${req.ipVersion} subnet from IPv${pool.ip_version} subnet pool`,
    );
  const wanted = requestedCidr(req, pool);
  const prefixlen = wanted?.prefixLength ?? req.prefixlen ?? pool.default_prefixlen;
  if (prefixlen > pool.max_prefixlen) throw maxPrefixAllocationError(prefixlen, pool.max_prefixlen);
  if (prefixlen < pool.min_prefixlen) throw minPrefixAllocationError(prefixlen, pool.min_prefixlen);
  const taken = await subnetsOfPool(tx, pool.id);
  checkPoolQuota(pool, req.projectId, taken, prefixlen);
  const prefixes = parseJson<string[]>(pool.prefixes, []).map(parseNetwork);
  const free = subtract(spansOf(prefixes), spansOf(taken.map((s) => parseNetwork(s.cidr))));
  if (wanted !== undefined) {
    if (!isSubset(spansOf([wanted]), free))
      throw subnetAllocationError('Cannot allocate requested subnet from the available set of prefixes');
    return { cidr: formatNetwork(wanted), pool };
  }
  const picked = firstFree(pool.ip_version as 4 | 6, free, prefixlen);
  if (picked === undefined)
    throw subnetAllocationError(`Insufficient prefix space to allocate subnet size /${prefixlen}`);
  return { cidr: formatNetwork(picked), pool };
}

/** A specific request: the CIDR asked for, or the gateway's network at the wanted length. */
function requestedCidr(req: PoolRequest, pool: SubnetPoolRow) {
  if (req.cidr !== undefined) return parseNetwork(req.cidr);
  if (req.gatewayIp === null || req.gatewayIp === undefined) return undefined;
  const gw = parseIp(req.gatewayIp);
  if (gw === undefined) return undefined;
  return networkOf(gw, req.prefixlen ?? pool.default_prefixlen);
}

/** The pool's default_quota, counted over the requesting project's subnets from it. */
function checkPoolQuota(
  pool: SubnetPoolRow,
  projectId: string,
  taken: ReadonlyArray<{ cidr: string; project_id: string }>,
  prefixlen: number,
): void {
  if (pool.default_quota === null || pool.default_quota === 0) return;
  const unit = quotaUnit[pool.ip_version as 4 | 6];
  const units = (len: number) => 2 ** Math.max(unit - len, 0);
  const used = taken
    .filter((s) => s.project_id === projectId)
    .reduce((n, s) => n + units(parseCidrLoose(s.cidr)!.prefixLength), 0);
  if (used + units(prefixlen) > pool.default_quota) throw subnetPoolQuotaExceeded();
}

/**
 * Neutron's _validate_network_subnetpools: subnets of one family on a network come from
 * one pool, or, when address scopes are in play, from pools of one scope.
 */
export async function checkNetworkPools(
  tx: Db,
  networkId: string,
  ipVersion: number,
  pool: SubnetPoolRow | undefined,
): Promise<void> {
  const subnets = await tx
    .selectFrom('subnets')
    .leftJoin('subnetpools', 'subnetpools.id', 'subnets.subnetpool_id')
    .select(['subnets.subnetpool_id', 'subnets.ip_version', 'subnetpools.address_scope_id'])
    .where('subnets.network_id', '=', networkId)
    .execute();
  const sameFamily = subnets.filter((s) => s.ip_version === ipVersion);
  const scope = sameFamily.find((s) => s.address_scope_id !== null)?.address_scope_id ?? null;
  if (scope !== null && pool !== undefined && pool.address_scope_id !== scope)
    throw networkAddressScopeAffinityError();
  for (const s of subnets) {
    if (pool !== undefined) {
      if (s.subnetpool_id !== pool.id && s.ip_version === pool.ip_version && scope === null)
        throw networkSubnetPoolAffinityError();
    } else if (s.subnetpool_id !== null && s.ip_version === ipVersion) throw networkSubnetPoolAffinityError();
  }
}
