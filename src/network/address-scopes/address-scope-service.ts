import { uuid } from '../../common/ids.js';
import { flag, isSet } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { createAll } from '../network-bulk.js';
import { ownerOf } from '../network-project.js';
import { addressScopeInUse, addressScopeNotFound, addressScopeUpdateError } from './address-scope-errors.js';
import { addressScopeAttributes } from './address-scope-schemas.js';
import type { AddressScopeRow } from './address-scope-store.js';
import * as store from './address-scope-store.js';
import { addressScopeTarget } from './address-scope-view.js';
import { addWildcardPolicy, deleteObjectPolicies, sharedWith } from '../rbac/object-rbac-store.js';

/** An address scope is seen by its owner, by admins, and by the projects it is shared with. */
export async function findAddressScope(db: Db, caller: NetworkCaller, id: string): Promise<AddressScopeRow> {
  const row = await store.getAddressScopeRow(db, id);
  if (row === undefined) throw addressScopeNotFound(id);
  if (caller.isAdmin || row.project_id === caller.projectId || isSet(row.shared)) return row;
  if (await sharedWith(db, id, caller.projectId)) return row;
  throw addressScopeNotFound(id);
}

export async function createAddressScope(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<AddressScopeRow> {
  const body = parseCreate(addressScopeAttributes, input);
  const projectId = ownerOf(caller, body);
  const shared = valueOr<boolean>(addressScopeAttributes, body, 'shared');
  const target = { project_id: projectId, tenant_id: projectId, shared };
  enforce(caller, 'create_address_scope', target);
  // As Neutron, an attribute left at its default needs no rule of its own.
  enforceAttributes(caller, 'create_address_scope', shared ? ['shared'] : [], target);
  const row: AddressScopeRow = {
    id: uuid(),
    project_id: projectId,
    name: valueOr(addressScopeAttributes, body, 'name'),
    shared: flag(shared),
    ip_version: body['ip_version'] as number,
  };
  await deps.store.write(async (tx) => {
    await store.insertAddressScopeRow(tx, row);
    if (shared) await addWildcardPolicy(tx, 'address_scope', row.id, projectId, deps.clock().toISOString());
  });
  return row;
}

export async function updateAddressScope(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
): Promise<AddressScopeRow> {
  const body = parseUpdate(addressScopeAttributes, input);
  return deps.store.write(async (tx) => {
    const row = await findAddressScope(tx, caller, id);
    const target = addressScopeTarget(row);
    enforce(caller, 'update_address_scope', target);
    enforceAttributes(caller, 'update_address_scope', 'shared' in body ? ['shared'] : [], target);
    if (isSet(row.shared) && body['shared'] === false)
      throw addressScopeUpdateError(id, "Shared address scope can't be unshared");
    await store.updateAddressScopeRow(tx, id, {
      ...(body['name'] !== undefined && { name: body['name'] as string }),
      ...(body['shared'] !== undefined && { shared: flag(body['shared'] as boolean) }),
    });
    if (body['shared'] === true)
      await addWildcardPolicy(tx, 'address_scope', id, row.project_id, deps.clock().toISOString());
    return (await store.getAddressScopeRow(tx, id))!;
  });
}

export async function deleteAddressScope(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findAddressScope(tx, caller, id);
    enforce(caller, 'delete_address_scope', addressScopeTarget(row));
    if ((await store.poolsInScope(tx, id)).length > 0) throw addressScopeInUse(id);
    await deleteObjectPolicies(tx, id);
    await store.deleteAddressScopeRow(tx, id);
  });
}

/** Bulk create: every address scope or none (network-bulk.ts). */
export async function createAddressScopes(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<AddressScopeRow[]> {
  return createAll(deps, addressScopeAttributes, items, (inner, item) =>
    createAddressScope(inner, caller, item),
  );
}
