import type { Db } from '../../db/db-handle.js';
import type { PortRow } from '../ports/port-store.js';
import { servicePortInUse } from './router-errors.js';
import { gatewayOwner, interfaceOwner } from './router-store.js';

export const floatingIpOwner = 'network:floatingip';

/**
 * Neutron's prevent_l3_port_deletion: a port a router or floating IP still owns is removed
 * through the router or floating IP API, not the port API (ServicePortInUse, 409).
 */
export async function preventServicePortDeletion(db: Db, port: PortRow): Promise<void> {
  const owner = port.device_owner;
  if (owner !== interfaceOwner && owner !== gatewayOwner && owner !== floatingIpOwner) return;
  const table = owner === floatingIpOwner ? 'floatingips' : 'routers';
  const exists = await db.selectFrom(table).select('id').where('id', '=', port.device_id).executeTakeFirst();
  if (exists !== undefined) throw servicePortInUse(port.id, owner);
}

/** A deleted port takes its floating IPs' associations with it (disassociate_floatingips). */
export async function disassociateFloatingIps(db: Db, portId: string, now: string): Promise<void> {
  const rows = await db.selectFrom('floatingips').selectAll().where('fixed_port_id', '=', portId).execute();
  for (const r of rows)
    await db
      .updateTable('floatingips')
      .set({
        fixed_port_id: null,
        fixed_ip_address: null,
        router_id: null,
        status: 'DOWN',
        revision_number: r.revision_number + 1,
        updated_at: now,
      })
      .where('id', '=', r.id)
      .execute();
}
