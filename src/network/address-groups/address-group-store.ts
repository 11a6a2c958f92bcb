import type { Selectable, Updateable } from 'kysely';
import type { AddressGroupTable } from '../../db/tables/network-tables.js';
import type { Db } from '../../db/db-handle.js';
import { sharedWithProject } from '../rbac/object-rbac-store.js';

export type AddressGroupRow = Selectable<AddressGroupTable>;

export async function getAddressGroupRow(db: Db, id: string): Promise<AddressGroupRow | undefined> {
  return db.selectFrom('address_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Address groups the project may see: its own and those shared with it (all for an admin). */
export async function listAddressGroupRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<AddressGroupRow[]> {
  let q = db.selectFrom('address_groups').selectAll();
  if (!all)
    q = q.where((eb) =>
      eb.or([eb('project_id', '=', projectId ?? ''), sharedWithProject('address_groups', projectId)]),
    );
  return q.orderBy('id').execute();
}

export async function insertAddressGroupRow(db: Db, row: AddressGroupRow): Promise<void> {
  await db.insertInto('address_groups').values(row).execute();
}

export async function updateAddressGroupRow(db: Db, id: string, change: Updateable<AddressGroupTable>) {
  if (Object.keys(change).length === 0) return;
  await db.updateTable('address_groups').set(change).where('id', '=', id).execute();
}

export async function deleteAddressGroupRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('address_group_addresses').where('address_group_id', '=', id).execute();
  await db.deleteFrom('address_groups').where('id', '=', id).execute();
}

/** Each group's addresses, sorted, in one query (every id present, maybe with none). */
export async function addressesOf(db: Db, ids: ReadonlyArray<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('address_group_addresses')
    .select(['address_group_id', 'address'])
    .where('address_group_id', 'in', [...ids])
    .orderBy('address_group_id')
    .orderBy('address')
    .execute();
  for (const r of rows) out.get(r.address_group_id)?.push(r.address);
  return out;
}

export async function insertAddresses(db: Db, id: string, addresses: ReadonlyArray<string>): Promise<void> {
  if (addresses.length === 0) return;
  await db
    .insertInto('address_group_addresses')
    .values(addresses.map((address) => ({ address_group_id: id, address })))
    .execute();
}

export async function deleteAddresses(db: Db, id: string, addresses: ReadonlyArray<string>): Promise<void> {
  if (addresses.length === 0) return;
  await db
    .deleteFrom('address_group_addresses')
    .where('address_group_id', '=', id)
    .where('address', 'in', [...addresses])
    .execute();
}

/** Whether any security group rule names the group as its remote end. */
export async function addressGroupInUse(db: Db, id: string): Promise<boolean> {
  const r = await db
    .selectFrom('security_group_rules')
    .select('id')
    .where('remote_address_group_id', '=', id)
    .executeTakeFirst();
  return r !== undefined;
}

/** Serialises address changes to one group (PostgreSQL; SQLite has one writer anyway). */
export async function lockAddressGroup(db: Db, id: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres')
    await db.selectFrom('address_groups').select('id').where('id', '=', id).forUpdate().execute();
}
