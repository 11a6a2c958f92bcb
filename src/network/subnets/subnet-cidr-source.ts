import type { Db } from '../../db/db-handle.js';
import { isSet } from '../../db/row-codec.js';
import { parseCidrLoose } from '../ipam/ip-address.js';
import type { NetworkCaller } from '../network-context.js';
import { badRequest } from '../network-errors.js';
import { allocateFromPool } from '../subnetpools/subnetpool-allocation.js';
import type { SubnetPoolRow } from '../subnetpools/subnetpool-store.js';
import { defaultSubnetPool } from '../subnetpools/subnetpool-store.js';

/** Where a new subnet's CIDR comes from: the request itself, or a subnet pool. */
export interface CidrSource {
  readonly cidr: string | undefined;
  readonly subnetpoolId: string | undefined;
  readonly prefixlen: number | undefined;
}

/**
 * Neutron's checks before a subnet create's transaction: cidr and prefixlen exclude each
 * other, subnetpool_id and use_default_subnetpool too, and without a pool a cidr is needed.
 */
export async function cidrSourceOf(
  db: Db,
  caller: NetworkCaller,
  body: Record<string, unknown>,
): Promise<CidrSource> {
  const cidr = (body['cidr'] as string | null | undefined) ?? undefined;
  const prefixlen = (body['prefixlen'] as number | undefined) ?? undefined;
  if (cidr !== undefined && prefixlen !== undefined)
    throw badRequest('subnets', 'cidr and prefixlen must not be supplied together');
  const subnetpoolId = await subnetPoolIdOf(db, caller, body, cidr);
  if (subnetpoolId === undefined && cidr === undefined)
    throw badRequest('subnets', 'a subnetpool must be specified in the absence of a cidr');
  if (subnetpoolId !== undefined && cidr === undefined && body['allocation_pools'] !== undefined)
    throw badRequest('subnets', 'allocation_pools allowed only for specific subnet requests.');
  return { cidr, subnetpoolId, prefixlen };
}

async function subnetPoolIdOf(
  db: Db,
  caller: NetworkCaller,
  body: Record<string, unknown>,
  cidr: string | undefined,
): Promise<string | undefined> {
  const useDefault = body['use_default_subnetpool'] === true;
  const poolId = (body['subnetpool_id'] as string | null | undefined) ?? undefined;
  if (useDefault && poolId !== undefined)
    throw badRequest('subnets', 'subnetpool_id and use_default_subnetpool cannot both be specified');
  if (poolId !== undefined || !useDefault) return poolId;
  const ipVersion = cidr !== undefined ? parseCidrLoose(cidr)!.ip.version : (body['ip_version'] as number);
  const pool = await defaultSubnetPool(db, ipVersion);
  if (pool !== undefined && (caller.isAdmin || pool.project_id === caller.projectId || isSet(pool.shared)))
    return pool.id;
  throw badRequest('subnets', `No default subnetpool found for IPv${ipVersion}`);
}

/** The CIDR to lay out, allocated from the pool inside the creating transaction when there is one. */
export async function cidrFrom(
  tx: Db,
  caller: NetworkCaller,
  dialect: 'sqlite' | 'postgres',
  source: CidrSource,
  who: { projectId: string; ipVersion: number; gatewayIp: string | null | undefined },
): Promise<{ cidr: string; pool: SubnetPoolRow | undefined }> {
  if (source.subnetpoolId === undefined) return { cidr: source.cidr!, pool: undefined };
  return allocateFromPool(tx, caller, dialect, {
    subnetpoolId: source.subnetpoolId,
    projectId: who.projectId,
    ipVersion: who.ipVersion,
    cidr: source.cidr,
    prefixlen: source.prefixlen,
    gatewayIp: who.gatewayIp,
  });
}
