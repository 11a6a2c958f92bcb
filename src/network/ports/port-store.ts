import type { Selectable, Updateable } from 'kysely';
import type { IpAllocationTable, PortTable } from '../../db/tables/network-tables.js';
import type { Db } from '../networks/network-store.js';

export type PortRow = Selectable<PortTable>;
export type AllocationRow = Selectable<IpAllocationTable>;

export async function getPortRow(db: Db, id: string): Promise<PortRow | undefined> {
  return db.selectFrom('ports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ports the project may see: its own and those on its networks (all of them for admins). */
export async function listPortRows(db: Db, projectId: string | undefined, all: boolean): Promise<PortRow[]> {
  let q = db.selectFrom('ports').selectAll('ports');
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

/** Each port's addresses, in the order they were given. */
export async function allocationsOf(
  db: Db,
  portIds: ReadonlyArray<string>,
): Promise<Map<string, AllocationRow[]>> {
  const out = new Map<string, AllocationRow[]>();
  if (portIds.length === 0) return out;
  const chunk = 500;
  for (let i = 0; i < portIds.length; i += chunk) {
    const rows = await db
      .selectFrom('network_ip_allocations')
      .selectAll()
      .where('port_id', 'in', portIds.slice(i, i + chunk))
      .execute();
    for (const r of rows) out.set(r.port_id, [...(out.get(r.port_id) ?? []), r]);
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
  await db.insertInto('ports').values(row).execute();
  if (allocations.length > 0)
    await db
      .insertInto('network_ip_allocations')
      .values([...allocations])
      .execute();
}

export async function updatePortRow(db: Db, row: PortRow, change: Updateable<PortTable>, now: string) {
  await db
    .updateTable('ports')
    .set({ ...change, revision_number: row.revision_number + 1, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

export async function deletePortRow(db: Db, id: string): Promise<void> {
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
  if (add.length > 0)
    await db
      .insertInto('network_ip_allocations')
      .values([...add])
      .execute();
}
