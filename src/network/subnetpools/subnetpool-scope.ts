import type { Db } from '../../db/db-handle.js';
import { parseNetwork } from '../ipam/ip-address.js';
import { intersects, spansOf } from '../ipam/prefix-set.js';
import type { NetworkCaller } from '../network-context.js';
import { findAddressScope } from '../address-scopes/address-scope-service.js';
import {
  addressScopePrefixConflict,
  illegalScopeVersion,
  illegalSubnetPoolUpdate,
  networkAddressScopeAffinityError,
} from './subnetpool-errors.js';
import type { PoolDefinition } from './subnetpool-definition.js';
import type { SubnetPoolRow } from './subnetpool-store.js';
import { poolsInAddressScope, subnetsOfPool } from './subnetpool-store.js';

/**
 * Neutron's _validate_address_scope_id: the scope is visible to the caller, of the pool's
 * family, re-scoping leaves no network with subnets in two scopes, and no two pools in one
 * scope share an address.
 */
export async function checkAddressScope(
  tx: Db,
  caller: NetworkCaller,
  scopeId: string | null,
  poolId: string,
  pool: PoolDefinition,
  dialect: 'sqlite' | 'postgres',
): Promise<void> {
  if (scopeId === null) return;
  const scope = await findAddressScope(tx, caller, scopeId);
  // Pools joining one scope one at a time keeps the unique-prefix rule under concurrency.
  if (dialect === 'postgres')
    await tx.selectFrom('address_scopes').select('id').where('id', '=', scopeId).forUpdate().execute();
  if (scope.ip_version !== pool.ipVersion) throw illegalScopeVersion(poolId, scopeId, scope.ip_version);
  await checkNetworkAffinity(tx, poolId, pool.ipVersion);
  const mine = spansOf(pool.networks);
  for (const other of await poolsInAddressScope(tx, scopeId)) {
    if (other.id === poolId) continue;
    const theirs = spansOf(JSON.parse(other.prefixes).map(parseNetwork));
    if (intersects(mine, theirs)) throw addressScopePrefixConflict();
  }
}

/** Re-scoping a pool must not leave other subnets of its networks in another scope. */
async function checkNetworkAffinity(tx: Db, poolId: string, ipVersion: number): Promise<void> {
  const subnets = await subnetsOfPool(tx, poolId);
  if (subnets.length === 0) return;
  const networks = [...new Set(subnets.map((s) => s.network_id))];
  const others = await tx
    .selectFrom('subnets')
    .select('id')
    .where('network_id', 'in', networks)
    .where('ip_version', '=', ipVersion)
    .where((eb) => eb.or([eb('subnetpool_id', 'is', null), eb('subnetpool_id', '!=', poolId)]))
    .executeTakeFirst();
  if (others !== undefined) throw networkAddressScopeAffinityError();
}

/** A pool in a shared scope that another project owns is frozen for all but admins. */
export async function checkUpdateAllowed(tx: Db, caller: NetworkCaller, row: SubnetPoolRow): Promise<void> {
  if (row.address_scope_id === null || caller.isAdmin) return;
  const scope = await tx
    .selectFrom('address_scopes')
    .select('project_id')
    .where('id', '=', row.address_scope_id)
    .executeTakeFirst();
  if (scope !== undefined && scope.project_id !== caller.projectId)
    throw illegalSubnetPoolUpdate(
      `subnetpool ${row.id} cannot be updated when associated with shared address scope ${row.address_scope_id}`,
    );
}
