import type { Selectable, Updateable } from 'kysely';
import type { AddressScopeTable } from '../../db/tables/network-tables.js';
import type { Db } from '../../db/db-handle.js';
import { sharedWithProject } from '../rbac/object-rbac-store.js';

export type AddressScopeRow = Selectable<AddressScopeTable>;

export async function getAddressScopeRow(db: Db, id: string): Promise<AddressScopeRow | undefined> {
  return db.selectFrom('address_scopes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Address scopes the project may see: its own and those shared with it (all for an admin). */
export async function listAddressScopeRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<AddressScopeRow[]> {
  let q = db.selectFrom('address_scopes').selectAll();
  if (!all)
    q = q.where((eb) =>
      eb.or([
        eb('project_id', '=', projectId ?? ''),
        eb('shared', '=', 1),
        sharedWithProject('address_scopes', projectId),
      ]),
    );
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

/** address-scope's network attributes: the scope of each family's subnet pool, per network. */
export interface NetworkScopes {
  readonly ipv4_address_scope: string | null;
  readonly ipv6_address_scope: string | null;
}

export async function networkAddressScopes(
  db: Db,
  networkIds: ReadonlyArray<string>,
): Promise<Map<string, NetworkScopes>> {
  const out = new Map<string, NetworkScopes>();
  if (networkIds.length === 0) return out;
  const rows = await db
    .selectFrom('subnets')
    .innerJoin('subnetpools', 'subnetpools.id', 'subnets.subnetpool_id')
    .select(['subnets.network_id', 'subnetpools.ip_version', 'subnetpools.address_scope_id'])
    .where('subnets.network_id', 'in', networkIds)
    .where('subnetpools.address_scope_id', 'is not', null)
    .execute();
  for (const r of rows) {
    const now = out.get(r.network_id) ?? { ipv4_address_scope: null, ipv6_address_scope: null };
    const key = r.ip_version === 4 ? 'ipv4_address_scope' : 'ipv6_address_scope';
    out.set(r.network_id, { ...now, [key]: r.address_scope_id });
  }
  return out;
}
