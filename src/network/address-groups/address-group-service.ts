import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import { deleteObjectPolicies, sharedWith } from '../rbac/object-rbac-store.js';
import { httpBadRequest } from '../network-errors.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceOnItem } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { createAll } from '../network-bulk.js';
import { ownerOf } from '../network-project.js';
import {
  addressesAlreadyExist,
  addressesNotFound,
  addressGroupInUse,
  addressGroupNotFound,
} from './address-group-errors.js';
import { addressGroupAttributes, isActionAddressList, normalizedAddress } from './address-group-schemas.js';
import type { AddressGroupRow } from './address-group-store.js';
import * as store from './address-group-store.js';
import { addressGroupTarget } from './address-group-view.js';

/** A group with its addresses, as the view renders it. */
export interface AddressGroup {
  readonly row: AddressGroupRow;
  readonly addresses: ReadonlyArray<string>;
}

/** An address group is seen by its owner, admins and projects it is shared with; others get AddressGroupNotFound. */
export async function findAddressGroup(db: Db, caller: NetworkCaller, id: string): Promise<AddressGroupRow> {
  const row = await store.getAddressGroupRow(db, id);
  if (row === undefined) throw addressGroupNotFound(id);
  if (caller.isAdmin || row.project_id === caller.projectId || (await sharedWith(db, id, caller.projectId)))
    return row;
  throw addressGroupNotFound(id);
}

export async function withAddresses(db: Db, row: AddressGroupRow): Promise<AddressGroup> {
  return { row, addresses: (await store.addressesOf(db, [row.id])).get(row.id) ?? [] };
}

export async function createAddressGroup(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<AddressGroup> {
  const body = parseCreate(addressGroupAttributes, input);
  const projectId = ownerOf(caller, body);
  enforce(caller, 'create_address_group', { project_id: projectId, tenant_id: projectId });
  const row: AddressGroupRow = {
    id: uuid(),
    project_id: projectId,
    name: valueOr(addressGroupAttributes, body, 'name'),
    description: valueOr(addressGroupAttributes, body, 'description'),
  };
  // Neutron dedupes the create's addresses after normalising them (unlike add_addresses).
  const addresses = [...new Set(((body['addresses'] as string[] | undefined) ?? []).map(normalizedAddress))];
  return deps.store.write(async (tx) => {
    await store.insertAddressGroupRow(tx, row);
    await store.insertAddresses(tx, row.id, addresses);
    return withAddresses(tx, row);
  });
}

/** Neutron's address group extension allows bulk: `{"address_groups": [...]}`, all or none. */
export async function createAddressGroups(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<AddressGroup[]> {
  return createAll(deps, addressGroupAttributes, items, (inner, item) =>
    createAddressGroup(inner, caller, item),
  );
}

export async function updateAddressGroup(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
): Promise<AddressGroup> {
  const body = parseUpdate(addressGroupAttributes, input);
  return deps.store.write(async (tx) => {
    const row = await findAddressGroup(tx, caller, id);
    enforceOnItem(caller, 'update_address_group', addressGroupTarget(row), () => addressGroupNotFound(id));
    await store.updateAddressGroupRow(tx, id, {
      ...(body['name'] !== undefined && { name: body['name'] as string }),
      ...(body['description'] !== undefined && { description: body['description'] as string }),
    });
    return withAddresses(tx, (await store.getAddressGroupRow(tx, id))!);
  });
}

export async function deleteAddressGroup(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findAddressGroup(tx, caller, id);
    enforceOnItem(caller, 'delete_address_group', addressGroupTarget(row), () => addressGroupNotFound(id));
    if (await store.addressGroupInUse(tx, id)) throw addressGroupInUse(id);
    await deleteObjectPolicies(tx, id);
    await store.deleteAddressGroupRow(tx, id);
  });
}

/** The `addresses` of an add/remove body, normalised and deduplicated as Neutron does. */
function requestedAddresses(body: unknown): string[] {
  const list =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['addresses'] : undefined;
  if (list === undefined) throw httpBadRequest("Unable to find 'addresses' in request body");
  const bad = isActionAddressList(list);
  if (bad !== undefined) throw httpBadRequest(`Invalid input for addresses. Reason: ${bad}.`);
  return [...new Set((list as string[]).map(normalizedAddress))];
}

/**
 * PUT add_addresses / remove_addresses: all of them or none. Adding one already there is
 * AddressesAlreadyExist (400); removing one not there is AddressesNotFound (404).
 */
export async function changeAddresses(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  action: 'add_addresses' | 'remove_addresses',
  body: unknown,
): Promise<AddressGroup> {
  return deps.store.write(async (tx) => {
    await store.lockAddressGroup(tx, id, deps.store.traits.name);
    const row = await findAddressGroup(tx, caller, id);
    enforceOnItem(caller, action, addressGroupTarget(row), () => addressGroupNotFound(id));
    const asked = requestedAddresses(body);
    const now = new Set((await withAddresses(tx, row)).addresses);
    if (action === 'add_addresses') {
      const there = asked.filter((a) => now.has(a));
      if (there.length > 0) throw addressesAlreadyExist(id, there);
      await store.insertAddresses(tx, id, asked);
    } else {
      const missing = asked.filter((a) => !now.has(a));
      if (missing.length > 0) throw addressesNotFound(id, missing);
      await store.deleteAddresses(tx, id, asked);
    }
    return withAddresses(tx, row);
  });
}
