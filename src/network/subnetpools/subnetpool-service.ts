import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import { parseNetwork } from '../ipam/ip-address.js';
import { isSubset, spansOf } from '../ipam/prefix-set.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { createAll } from '../network-bulk.js';
import { invalidInput } from '../network-errors.js';
import { ownerOf } from '../network-project.js';
import { checkRevision } from '../network-revision.js';
import { checkQuota } from '../quotas/quota-service.js';
import type { PoolDefinition } from './subnetpool-definition.js';
import { readPool } from './subnetpool-definition.js';
import { illegalPrefixUpdate, subnetPoolDeleteError, subnetPoolNotFound } from './subnetpool-errors.js';
import { checkAddressScope, checkUpdateAllowed } from './subnetpool-scope.js';
import { subnetPoolAttributes } from './subnetpool-schemas.js';
import type { SubnetPoolRow } from './subnetpool-store.js';
import * as store from './subnetpool-store.js';
import { subnetPoolTarget } from './subnetpool-view.js';
import { addWildcardPolicy, deleteObjectPolicies, sharedWith } from '../rbac/object-rbac-store.js';
import { validatePolicyCreate } from '../rbac/rbac-object-types.js';

/** A subnet pool is seen by its owner, by admins, and by the projects it is shared with. */
export async function findSubnetPool(db: Db, caller: NetworkCaller, id: string): Promise<SubnetPoolRow> {
  const row = await store.getSubnetPoolRow(db, id);
  if (row === undefined) throw subnetPoolNotFound(id);
  if (caller.isAdmin || row.project_id === caller.projectId || isSet(row.shared)) return row;
  if (await sharedWith(db, id, caller.projectId)) return row;
  throw subnetPoolNotFound(id);
}

export async function createSubnetPool(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<SubnetPoolRow> {
  const body = parseCreate(subnetPoolAttributes, input);
  const projectId = ownerOf(caller, body);
  const shared = valueOr<boolean>(subnetPoolAttributes, body, 'shared');
  const isDefault = valueOr<boolean>(subnetPoolAttributes, body, 'is_default');
  const target = { project_id: projectId, tenant_id: projectId, shared, is_default: isDefault };
  enforce(caller, 'create_subnetpool', target);
  // As Neutron, an attribute left at its default needs no rule of its own.
  const explicit = [...(shared ? ['shared'] : []), ...(isDefault ? ['is_default'] : [])];
  enforceAttributes(caller, 'create_subnetpool', explicit, target);
  const pool = readPool({
    prefixes: body['prefixes'] as string[],
    minPrefixlen: body['min_prefixlen'] as number | undefined,
    maxPrefixlen: body['max_prefixlen'] as number | undefined,
    defaultPrefixlen: body['default_prefixlen'] as number | undefined,
  });
  const id = uuid();
  const scopeId = (body['address_scope_id'] as string | null | undefined) ?? null;
  return deps.store.write(async (tx) => {
    if (isDefault) await checkNoDefault(tx, pool.ipVersion);
    await checkAddressScope(tx, caller, scopeId, id, pool, deps.store.traits.name);
    const now = deps.clock().toISOString();
    const row: SubnetPoolRow = {
      id,
      project_id: projectId,
      name: body['name'] as string,
      description: valueOr(subnetPoolAttributes, body, 'description'),
      ...poolColumns(pool),
      default_quota: (body['default_quota'] as number | null | undefined) ?? null,
      address_scope_id: scopeId,
      shared: flag(shared),
      is_default: flag(isDefault),
      tags: '[]',
      revision_number: 1,
      created_at: now,
      updated_at: now,
    };
    await checkQuota(tx, projectId, 'subnetpool');
    await store.insertSubnetPoolRow(tx, row);
    // `shared` is a wildcard policy made through Neutron's create_rbac_policy, its checks included.
    if (shared) await validatePolicyCreate(tx, caller, 'subnetpool', id, '*');
    if (shared) await addWildcardPolicy(tx, 'subnetpool', id, projectId, now);
    return row;
  });
}

export async function updateSubnetPool(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
  ifRevision?: number,
): Promise<SubnetPoolRow> {
  const body = parseUpdate(subnetPoolAttributes, input);
  return deps.store.write(async (tx) => {
    const row = await findSubnetPool(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    const target = subnetPoolTarget(row);
    enforce(caller, 'update_subnetpool', target);
    enforceAttributes(caller, 'update_subnetpool', Object.keys(body), target);
    return applyUpdate(deps, tx, caller, row, body);
  });
}

/** Merges an update into the pool and checks it all again, as Neutron's update_subnetpool. */
export async function applyUpdate(
  deps: NetworkDeps,
  tx: Db,
  caller: NetworkCaller,
  row: SubnetPoolRow,
  body: Record<string, unknown>,
): Promise<SubnetPoolRow> {
  const current = parseJson<string[]>(row.prefixes, []);
  const wanted = (body['prefixes'] as string[] | undefined) ?? current;
  if (!isSubset(spansOf(current.map(parseNetwork)), spansOf(wanted.map(parseNetwork))))
    throw illegalPrefixUpdate('Existing prefixes must be a subset of the new prefixes');
  const pool = readPool({
    prefixes: wanted,
    minPrefixlen: (body['min_prefixlen'] as number | undefined) ?? row.min_prefixlen,
    maxPrefixlen: (body['max_prefixlen'] as number | undefined) ?? row.max_prefixlen,
    defaultPrefixlen: (body['default_prefixlen'] as number | undefined) ?? row.default_prefixlen,
  });
  const isDefault = (body['is_default'] as boolean | undefined) ?? isSet(row.is_default);
  if (isDefault && !isSet(row.is_default)) await checkNoDefault(tx, pool.ipVersion);
  await checkUpdateAllowed(tx, caller, row);
  const scopeId =
    'address_scope_id' in body ? ((body['address_scope_id'] as string | null) ?? null) : row.address_scope_id;
  await checkAddressScope(tx, caller, scopeId, row.id, pool, deps.store.traits.name);
  const change = {
    ...(body['name'] !== undefined && { name: body['name'] as string }),
    ...(body['description'] !== undefined && { description: body['description'] as string }),
    ...('default_quota' in body && { default_quota: body['default_quota'] as number | null }),
    ...poolColumns(pool),
    is_default: flag(isDefault),
    address_scope_id: scopeId,
  };
  await store.updateSubnetPoolRow(tx, row, change, deps.clock().toISOString());
  return (await store.getSubnetPoolRow(tx, row.id))!;
}

export async function deleteSubnetPool(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  ifRevision?: number,
): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findSubnetPool(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'delete_subnetpool', subnetPoolTarget(row));
    // Locked as an allocation locks it, so no subnet is carved from a pool being deleted.
    await store.lockSubnetPoolRow(tx, id, deps.store.traits.name);
    if ((await store.subnetsOfPool(tx, id)).length > 0)
      throw subnetPoolDeleteError('Subnet pool has existing allocations');
    await deleteObjectPolicies(tx, id);
    await store.deleteSubnetPoolRow(tx, id);
  });
}

/** subnetpool-prefix-ops add_prefixes: the new list must still satisfy every pool rule. */
export async function addPrefixes(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  prefixes: string[],
): Promise<{ prefixes: string[] }> {
  return deps.store.write(async (tx) => {
    const row = await findSubnetPool(tx, caller, id);
    enforce(caller, 'add_prefixes', subnetPoolTarget(row));
    const current = parseJson<string[]>(row.prefixes, []);
    const updated = await applyUpdate(deps, tx, caller, row, { prefixes: [...current, ...prefixes] });
    return { prefixes: parseJson<string[]>(updated.prefixes, []) };
  });
}

function poolColumns(pool: PoolDefinition) {
  return {
    ip_version: pool.ipVersion,
    prefixes: JSON.stringify(pool.prefixes),
    min_prefixlen: pool.minPrefixlen,
    max_prefixlen: pool.maxPrefixlen,
    default_prefixlen: pool.defaultPrefixlen,
  };
}

async function checkNoDefault(tx: Db, ipVersion: number): Promise<void> {
  if ((await store.defaultSubnetPool(tx, ipVersion)) !== undefined)
    throw invalidInput(
      'A default subnetpool for this IP family has already been set. Only one default may exist per IP family',
    );
}

/** Bulk create: every subnet pool or none (network-bulk.ts). */
export async function createSubnetPools(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<SubnetPoolRow[]> {
  return createAll(deps, subnetPoolAttributes, items, (inner, item) => createSubnetPool(inner, caller, item));
}
