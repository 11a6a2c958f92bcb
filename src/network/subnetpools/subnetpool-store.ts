import type { Selectable, Updateable } from 'kysely';
import type { SubnetPoolTable } from '../../db/tables/network-tables.js';
import type { Db } from '../../db/db-handle.js';
import { sharedWithProject } from '../rbac/object-rbac-store.js';

export type SubnetPoolRow = Selectable<SubnetPoolTable>;

export async function getSubnetPoolRow(db: Db, id: string): Promise<SubnetPoolRow | undefined> {
  return db.selectFrom('subnetpools').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Reads the pool for an allocation, holding its row until commit on PostgreSQL so that
 * concurrent allocations from one pool run one after another (SQLite has one writer).
 */
export async function lockSubnetPoolRow(
  db: Db,
  id: string,
  dialect: 'sqlite' | 'postgres',
): Promise<SubnetPoolRow | undefined> {
  let q = db.selectFrom('subnetpools').selectAll().where('id', '=', id);
  if (dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Subnet pools the project may see: its own and those shared with it (all for an admin). */
export async function listSubnetPoolRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<SubnetPoolRow[]> {
  let q = db.selectFrom('subnetpools').selectAll();
  if (!all)
    q = q.where((eb) =>
      eb.or([
        eb('project_id', '=', projectId ?? ''),
        eb('shared', '=', 1),
        sharedWithProject('subnetpools', projectId),
      ]),
    );
  return q.execute();
}

export async function defaultSubnetPool(db: Db, ipVersion: number): Promise<SubnetPoolRow | undefined> {
  return db
    .selectFrom('subnetpools')
    .selectAll()
    .where('is_default', '=', 1)
    .where('ip_version', '=', ipVersion)
    .executeTakeFirst();
}

export async function poolsInAddressScope(db: Db, scopeId: string): Promise<SubnetPoolRow[]> {
  return db.selectFrom('subnetpools').selectAll().where('address_scope_id', '=', scopeId).execute();
}

export async function insertSubnetPoolRow(db: Db, row: SubnetPoolRow): Promise<void> {
  await db.insertInto('subnetpools').values(row).execute();
}

export async function updateSubnetPoolRow(
  db: Db,
  row: SubnetPoolRow,
  change: Updateable<SubnetPoolTable>,
  now: string,
): Promise<void> {
  await db
    .updateTable('subnetpools')
    .set({ ...change, revision_number: row.revision_number + 1, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

export async function deleteSubnetPoolRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('subnetpools').where('id', '=', id).execute();
}

/** The subnets allocated from a pool: what is taken, and whose. */
export async function subnetsOfPool(
  db: Db,
  poolId: string,
): Promise<Array<{ id: string; cidr: string; project_id: string; network_id: string }>> {
  return db
    .selectFrom('subnets')
    .select(['id', 'cidr', 'project_id', 'network_id'])
    .where('subnetpool_id', '=', poolId)
    .execute();
}
