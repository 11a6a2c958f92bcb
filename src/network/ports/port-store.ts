import { sql } from 'kysely';
import type { ColumnFilter } from '../network-sql-filters.js';
import type { Selectable, Updateable } from 'kysely';
import type { IpAllocationTable, PortTable } from '../../db/tables/network-tables.js';
import type { Db } from '../../db/db-handle.js';
import { insertRows, prepareQuery, prepareShapes } from '../../db/prepared-query.js';

export type PortRow = Selectable<PortTable>;
export type AllocationRow = Selectable<IpAllocationTable>;

export async function getPortRow(db: Db, id: string): Promise<PortRow | undefined> {
  return portById.first(db, { id });
}

const portById = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('ports').selectAll().where('id', '=', p.id),
);

/** Ports the project may see: its own and those on its networks (all of them for admins). */
export async function listPortRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
  filters: ReadonlyArray<ColumnFilter> = [],
): Promise<PortRow[]> {
  let q = db.selectFrom('ports').selectAll('ports');
  for (const f of filters) q = q.where(sql.ref(`ports.${f.column}`), 'in', f.values);
  if (!all)
    q = q
      .innerJoin('networks', 'networks.id', 'ports.network_id')
      .where((eb) =>
        eb.or([
          eb('ports.project_id', '=', projectId ?? ''),
          eb('networks.project_id', '=', projectId ?? ''),
        ]),
      );
  return q.execute();
}

/**
 * Each port's addresses, in the order they were given. Long lists read the addresses of
 * the ports' networks in one query rather than hundreds of id batches.
 */
export async function allocationsOf(
  db: Db,
  ports: ReadonlyArray<{ readonly id: string; readonly network_id: string }>,
): Promise<Map<string, AllocationRow[]>> {
  const out = new Map<string, AllocationRow[]>();
  if (ports.length === 0) return out;
  const wanted = new Set(ports.map((p) => p.id));
  const q = db.selectFrom('network_ip_allocations').selectAll();
  const rows =
    ports.length <= 500
      ? await q.where('port_id', 'in', [...wanted]).execute()
      : await q.where('network_id', 'in', [...new Set(ports.map((p) => p.network_id))]).execute();
  for (const r of rows) {
    if (!wanted.has(r.port_id)) continue;
    const list = out.get(r.port_id);
    if (list === undefined) out.set(r.port_id, [r]);
    else list.push(r);
  }
  return out;
}

export async function allocatedIn(db: Db, subnetId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('network_ip_allocations')
    .select('ip_address')
    .where('subnet_id', '=', subnetId)
    .execute();
  return new Set(rows.map((r) => r.ip_address));
}

/** Which of `ips` are taken in the subnet (one primary-key lookup). */
export async function takenAmong(db: Db, subnetId: string, ips: ReadonlyArray<string>): Promise<Set<string>> {
  if (ips.length === 0) return new Set();
  const rows = await db
    .selectFrom('network_ip_allocations')
    .select('ip_address')
    .where('subnet_id', '=', subnetId)
    .where('ip_address', 'in', [...ips])
    .execute();
  return new Set(rows.map((r) => r.ip_address));
}

export async function macTaken(db: Db, networkId: string, mac: string): Promise<boolean> {
  const r = await db
    .selectFrom('ports')
    .select('id')
    .where('network_id', '=', networkId)
    .where('mac_address', '=', mac)
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertPort(
  db: Db,
  row: PortRow,
  allocations: ReadonlyArray<AllocationRow>,
): Promise<void> {
  await insertRows(db, 'ports', [row]);
  await insertRows(db, 'network_ip_allocations', allocations);
}

export async function updatePortRow(db: Db, row: PortRow, change: Updateable<PortTable>, now: string) {
  const columns = Object.keys(change).filter((k) => change[k as keyof typeof change] !== undefined);
  await portUpdate.execute(db, columns.join(','), {
    ...change,
    portId: row.id,
    nextRevision: row.revision_number + 1,
    now,
  });
}

type PortUpdate = Updateable<PortTable> & { portId: string; nextRevision: number; now: string };

/** Shaped by the columns the change sets. */
const portUpdate = prepareShapes((db, p: PortUpdate, list: string) => {
  const set = Object.fromEntries(
    list
      .split(',')
      .filter((c) => c !== '')
      .map((c) => [c, p[c as keyof PortUpdate]]),
  );
  return db
    .updateTable('ports')
    .set({ ...set, revision_number: p.nextRevision, updated_at: p.now })
    .where('id', '=', p.portId);
});

export async function deletePortRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('port_security_group_bindings').where('port_id', '=', id).execute();
  await db.deleteFrom('network_ip_allocations').where('port_id', '=', id).execute();
  await db.deleteFrom('ports').where('id', '=', id).execute();
}

export async function replaceAllocations(
  db: Db,
  remove: ReadonlyArray<AllocationRow>,
  add: ReadonlyArray<AllocationRow>,
): Promise<void> {
  for (const a of remove)
    await db
      .deleteFrom('network_ip_allocations')
      .where('subnet_id', '=', a.subnet_id)
      .where('ip_address', '=', a.ip_address)
      .execute();
  await insertRows(db, 'network_ip_allocations', add);
}
