import type { Db } from '../../db/db-handle.js';
import { chooseRouterHost } from '../../scheduler/router-host-selector.js';
import type { RouterHostCandidate } from '../../scheduler/router-host-selector.js';
import { gatewayOwner, interfaceOwner } from './router-store.js';

/** What one placement pass changed: router id → its new host (null: taken off its host). */
export type RouterMoves = ReadonlyMap<string, string | null>;

/**
 * Puts every router with a gateway or an interface on a host that can run it, and takes the
 * others off theirs (Neutron's router-to-L3-agent binding, reconciled rather than kept in
 * memory): a router whose host went down, was disabled or lost its router dataplane moves.
 * Writes are compare-and-set on the old host, so two passes at once never both move one
 * router. The router's ports follow it (`binding:host_id`), so other hosts send their
 * tunnel traffic for its MACs there.
 */
export async function placeRouters(db: Db, hosts: ReadonlyArray<RouterHostCandidate>): Promise<RouterMoves> {
  const [routers, ports] = await Promise.all([
    db.selectFrom('routers').select(['id', 'host']).orderBy('id').execute(),
    db
      .selectFrom('ports')
      .select(['id', 'device_id', 'binding_host_id'])
      .where('device_owner', 'in', [interfaceOwner, gatewayOwner])
      .execute(),
  ]);
  const withPorts = new Set(ports.map((p) => p.device_id));
  const load = new Map<string, number>();
  for (const r of routers) if (r.host !== null) load.set(r.host, (load.get(r.host) ?? 0) + 1);
  const moves = new Map<string, string | null>();
  for (const r of routers) {
    const want = withPorts.has(r.id) ? (chooseRouterHost(hosts, r.host, load).host ?? null) : null;
    if (want !== r.host) {
      if (!(await moveRouter(db, r.id, r.host, want))) continue;
      moves.set(r.id, want);
      if (r.host !== null) load.set(r.host, (load.get(r.host) ?? 1) - 1);
      if (want !== null) load.set(want, (load.get(want) ?? 0) + 1);
    }
    const binding = want ?? '';
    const stale = ports.filter((p) => p.device_id === r.id && p.binding_host_id !== binding);
    if (stale.length > 0)
      await db
        .updateTable('ports')
        // As Neutron, a port bound anew is DOWN until its new host reports it wired.
        .set({ binding_host_id: binding, status: 'DOWN' })
        .where(
          'id',
          'in',
          stale.map((p) => p.id),
        )
        .execute();
  }
  return moves;
}

/** Sets the router's host if it is still `from`; false when another pass moved it first. */
async function moveRouter(db: Db, id: string, from: string | null, to: string | null): Promise<boolean> {
  const res = await db
    .updateTable('routers')
    .set({ host: to })
    .where('id', '=', id)
    .where((eb) => (from === null ? eb('host', 'is', null) : eb('host', '=', from)))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
