import type { Selectable } from 'kysely';
import type { Db } from '../../db/db-handle.js';
import type { ServerPortTable } from '../../db/tables/compute-tables.js';

export type ServerPortRow = Selectable<ServerPortTable>;

/** Records a port on a server; replaying it (a retried attach) changes nothing. */
export async function recordServerPort(db: Db, row: ServerPortRow): Promise<void> {
  const existing = await db
    .selectFrom('server_ports')
    .select('port_id')
    .where('server_id', '=', row.server_id)
    .where('port_id', '=', row.port_id)
    .executeTakeFirst();
  if (existing === undefined) await db.insertInto('server_ports').values(row).execute();
}

export async function serverPorts(db: Db, serverId: string): Promise<ServerPortRow[]> {
  return db
    .selectFrom('server_ports')
    .selectAll()
    .where('server_id', '=', serverId)
    .orderBy('created_at')
    .orderBy('port_id')
    .execute();
}

export async function forgetServerPort(db: Db, serverId: string, portId: string): Promise<void> {
  await db
    .deleteFrom('server_ports')
    .where('server_id', '=', serverId)
    .where('port_id', '=', portId)
    .execute();
}
