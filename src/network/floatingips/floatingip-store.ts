import type { Selectable, Updateable } from 'kysely';
import type { FloatingIpTable } from '../../db/tables/router-tables.js';
import type { Db } from '../../db/db-handle.js';

export type FloatingIpRow = Selectable<FloatingIpTable>;

export async function getFloatingIpRow(db: Db, id: string): Promise<FloatingIpRow | undefined> {
  return db.selectFrom('floatingips').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listFloatingIpRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<FloatingIpRow[]> {
  let q = db.selectFrom('floatingips').selectAll();
  if (!all) q = q.where('project_id', '=', projectId ?? '');
  return q.execute();
}

export async function insertFloatingIpRow(db: Db, row: FloatingIpRow): Promise<void> {
  await db.insertInto('floatingips').values(row).execute();
}

export async function updateFloatingIpRow(
  db: Db,
  row: FloatingIpRow,
  change: Updateable<FloatingIpTable>,
  now: string,
) {
  await db
    .updateTable('floatingips')
    .set({ ...change, revision_number: row.revision_number + 1, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

export async function deleteFloatingIpRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('floatingips').where('id', '=', id).execute();
}

/** Floating IPs from this external network that no port is associated with. */
export async function disassociatedOn(db: Db, networkId: string): Promise<FloatingIpRow[]> {
  return db
    .selectFrom('floatingips')
    .selectAll()
    .where('floating_network_id', '=', networkId)
    .where('fixed_port_id', 'is', null)
    .execute();
}

/** The floating IP already on this fixed address of the port, if any. */
export async function floatingIpOn(
  db: Db,
  portId: string,
  fixedIp: string,
): Promise<FloatingIpRow | undefined> {
  return db
    .selectFrom('floatingips')
    .selectAll()
    .where('fixed_port_id', '=', portId)
    .where('fixed_ip_address', '=', fixedIp)
    .executeTakeFirst();
}
