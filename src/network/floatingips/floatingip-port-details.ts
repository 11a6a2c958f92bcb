import type { Db } from '../../db/db-handle.js';
import { isSet } from '../../db/row-codec.js';

/** fip-port-details: what a floating IP shows of the port it is associated with. */
export interface FloatingIpPortDetails {
  readonly name: string;
  readonly network_id: string;
  readonly mac_address: string;
  readonly admin_state_up: boolean;
  readonly status: string;
  readonly device_id: string;
  readonly device_owner: string;
}

/** The details of the associated ports, by port id, in one query for a whole list. */
export async function portDetailsOf(
  db: Db,
  rows: ReadonlyArray<{ readonly fixed_port_id: string | null }>,
): Promise<ReadonlyMap<string, FloatingIpPortDetails>> {
  const ids = [...new Set(rows.flatMap((r) => (r.fixed_port_id === null ? [] : [r.fixed_port_id])))];
  if (ids.length === 0) return new Map();
  const ports = await db
    .selectFrom('ports')
    .select([
      'id',
      'name',
      'network_id',
      'mac_address',
      'admin_state_up',
      'status',
      'device_id',
      'device_owner',
    ])
    .where('id', 'in', ids)
    .execute();
  return new Map(
    ports.map((p) => [
      p.id,
      {
        name: p.name,
        network_id: p.network_id,
        mac_address: p.mac_address,
        admin_state_up: isSet(p.admin_state_up),
        status: p.status,
        device_id: p.device_id,
        device_owner: p.device_owner,
      },
    ]),
  );
}
