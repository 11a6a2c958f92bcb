import type { Db } from '../../db/db-handle.js';
import { chooseRouterHost, routerHostRejection } from '../../scheduler/router-host-selector.js';
import type { RouterHostCandidate } from '../../scheduler/router-host-selector.js';
import { gatewayOwner, interfaceOwner } from './router-store.js';

/** What one placement pass changed: router id → its new host (null: taken off its host). */
export type RouterMoves = ReadonlyMap<string, string | null>;

const routerOwners = [interfaceOwner, gatewayOwner];

/**
 * Puts every router with a gateway or an interface on a host that can run it, and takes the
 * others off theirs (Neutron's router-to-L3-agent binding, reconciled rather than kept in
 * memory): a router whose host went down, was disabled or lost its router dataplane moves.
 * Runs on every host pass, so it reads only the routers that need a decision (unplaced
 * with ports, on a host that cannot run them, placed without ports) and the router ports
 * whose binding is not their router's host; a settled cloud costs two small queries.
 * Writes are compare-and-set on the old host, so two passes at once never both move one
 * router. The router's ports follow it (`binding:host_id`), so other hosts send their
 * tunnel traffic for its MACs there.
 */
export async function placeRouters(db: Db, hosts: ReadonlyArray<RouterHostCandidate>): Promise<RouterMoves> {
  const able = hosts.filter((h) => routerHostRejection(h) === undefined).map((h) => h.hostname);
  const routers = await routersToDecide(db, able);
  const moves = new Map<string, string | null>();
  if (routers.length > 0) {
    const load = await routersPerHost(db);
    for (const r of routers) {
      const want = r.hasPorts ? (chooseRouterHost(hosts, r.host, load).host ?? null) : null;
      if (want === r.host || !(await moveRouter(db, r.id, r.host, want))) continue;
      moves.set(r.id, want);
      if (r.host !== null) load.set(r.host, (load.get(r.host) ?? 1) - 1);
      if (want !== null) load.set(want, (load.get(want) ?? 0) + 1);
    }
  }
  await bindPortsToRouterHosts(db);
  return moves;
}

/** Routers a pass must decide on; every other router is where it should be. */
async function routersToDecide(db: Db, able: ReadonlyArray<string>) {
  const rows = await db
    .selectFrom('routers as r')
    .select(['r.id', 'r.host'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('ports')
            .select('ports.id')
            .whereRef('ports.device_id', '=', 'r.id')
            .where('ports.device_owner', 'in', routerOwners),
        )
        .as('has_ports'),
    )
    .where((eb) => {
      const ports = eb.exists(
        eb
          .selectFrom('ports')
          .select('ports.id')
          .whereRef('ports.device_id', '=', 'r.id')
          .where('ports.device_owner', 'in', routerOwners),
      );
      return eb.or([
        eb.and([eb('r.host', 'is', null), ports]), // waiting for a host
        able.length > 0 ? eb('r.host', 'not in', able) : eb('r.host', 'is not', null), // on a host that cannot run it
        eb.and([eb('r.host', 'is not', null), eb.not(ports)]), // placed, but nothing left to route
      ]);
    })
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({ id: r.id, host: r.host, hasPorts: Boolean(Number(r.has_ports)) }));
}

/** Placed routers per host (the least-routers weigher's load). */
async function routersPerHost(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('routers')
    .select(['host', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('host', 'is not', null)
    .groupBy('host')
    .execute();
  return new Map(rows.map((r) => [r.host!, Number(r.n)]));
}

/** Gives every router port whose binding is not its router's host that host ('' when unplaced). */
async function bindPortsToRouterHosts(db: Db): Promise<void> {
  const stale = await db
    .selectFrom('ports as p')
    .innerJoin('routers as r', 'r.id', 'p.device_id')
    .select(['p.id', 'r.host'])
    .where('p.device_owner', 'in', routerOwners)
    .where((eb) =>
      eb.or([
        eb.and([eb('r.host', 'is', null), eb('p.binding_host_id', '!=', '')]),
        eb.and([eb('r.host', 'is not', null), eb('p.binding_host_id', '!=', eb.ref('r.host'))]),
        eb('p.binding_host_id', 'is', null),
      ]),
    )
    .execute();
  const byHost = new Map<string, string[]>();
  for (const p of stale) byHost.set(p.host ?? '', [...(byHost.get(p.host ?? '') ?? []), p.id]);
  for (const [host, ids] of byHost)
    // As Neutron, a port bound anew is DOWN until its new host reports it wired.
    await db
      .updateTable('ports')
      .set({ binding_host_id: host, status: 'DOWN' })
      .where('id', 'in', ids)
      .execute();
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
