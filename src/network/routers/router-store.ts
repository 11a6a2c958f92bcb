import type { Selectable, Updateable } from 'kysely';
import type { RouterTable } from '../../db/tables/router-tables.js';
import type { Db } from '../../db/db-handle.js';
import type { PortRow } from '../ports/port-store.js';

export type RouterRow = Selectable<RouterTable>;

export const interfaceOwner = 'network:router_interface';
export const gatewayOwner = 'network:router_gateway';

export async function getRouterRow(db: Db, id: string): Promise<RouterRow | undefined> {
  return db.selectFrom('routers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRouterRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<RouterRow[]> {
  let q = db.selectFrom('routers').selectAll();
  if (!all) q = q.where('project_id', '=', projectId ?? '');
  return q.execute();
}

export async function insertRouterRow(db: Db, row: RouterRow): Promise<void> {
  await db.insertInto('routers').values(row).execute();
}

export async function updateRouterRow(db: Db, row: RouterRow, change: Updateable<RouterTable>, now: string) {
  await db
    .updateTable('routers')
    .set({ ...change, revision_number: row.revision_number + 1, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

export async function deleteRouterRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('routers').where('id', '=', id).execute();
}

/** Every port the router owns (interfaces and gateway): device_id is the router. */
export async function routerPorts(db: Db, routerId: string, owner?: string): Promise<PortRow[]> {
  let q = db.selectFrom('ports').selectAll().where('device_id', '=', routerId);
  q =
    owner === undefined
      ? q.where('device_owner', 'in', [interfaceOwner, gatewayOwner])
      : q.where('device_owner', '=', owner);
  return q.orderBy('created_at').orderBy('id').execute();
}

/** Gateway ports of many routers, by id. */
export async function portsById(db: Db, ids: ReadonlyArray<string>): Promise<Map<string, PortRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('ports')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Routers with an interface on `subnetId` whose gateway is on `externalNetworkId`, with
 * the interface address (Neutron's get_router_for_floatingip query).
 */
export async function routersBetween(
  db: Db,
  subnetId: string,
  externalNetworkId: string,
): Promise<Array<{ router_id: string; ip_address: string }>> {
  return db
    .selectFrom('ports as intf')
    .innerJoin('network_ip_allocations as a', 'a.port_id', 'intf.id')
    .innerJoin('routers as r', 'r.id', 'intf.device_id')
    .innerJoin('ports as gw', 'gw.id', 'r.gw_port_id')
    .select(['r.id as router_id', 'a.ip_address'])
    .where('intf.device_owner', '=', interfaceOwner)
    .where('a.subnet_id', '=', subnetId)
    .where('gw.network_id', '=', externalNetworkId)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
}

/** Floating IPs routed by the router whose fixed address is on the subnet. */
export async function floatingIpsOnSubnet(db: Db, routerId: string, subnetId: string): Promise<number> {
  const r = await db
    .selectFrom('floatingips as f')
    .innerJoin('network_ip_allocations as a', (j) =>
      j.onRef('a.port_id', '=', 'f.fixed_port_id').onRef('a.ip_address', '=', 'f.fixed_ip_address'),
    )
    .select((eb) => eb.fn.countAll().as('n'))
    .where('f.router_id', '=', routerId)
    .where('a.subnet_id', '=', subnetId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function floatingIpsOfRouter(db: Db, routerId: string): Promise<number> {
  const r = await db
    .selectFrom('floatingips')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('router_id', '=', routerId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
