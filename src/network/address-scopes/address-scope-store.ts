import type { Selectable, Updateable } from 'kysely';
import type { AddressScopeTable } from '../../db/tables/network-tables.js';
import type { Db } from '../../db/db-handle.js';

export type AddressScopeRow = Selectable<AddressScopeTable>;

export async function getAddressScopeRow(db: Db, id: string): Promise<AddressScopeRow | undefined> {
  return db.selectFrom('address_scopes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Address scopes the project may see: its own and shared ones (all for an admin). */
export async function listAddressScopeRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<AddressScopeRow[]> {
  let q = db.selectFrom('address_scopes').selectAll();
  if (!all) q = q.where((eb) => eb.or([eb('project_id', '=', projectId ?? ''), eb('shared', '=', 1)]));
  return q.execute();
}

export async function insertAddressScopeRow(db: Db, row: AddressScopeRow): Promise<void> {
  await db.insertInto('address_scopes').values(row).execute();
}

export async function updateAddressScopeRow(db: Db, id: string, change: Updateable<AddressScopeTable>) {
  if (Object.keys(change).length === 0) return;
  await db.updateTable('address_scopes').set(change).where('id', '=', id).execute();
}

export async function deleteAddressScopeRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('address_scopes').where('id', '=', id).execute();
}

export async function poolsInScope(db: Db, id: string): Promise<Array<{ id: string; project_id: string }>> {
  return db
    .selectFrom('subnetpools')
    .select(['id', 'project_id'])
    .where('address_scope_id', '=', id)
    .execute();
}
