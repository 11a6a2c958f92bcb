import { sql } from 'kysely';
import type { ColumnFilter } from '../network-sql-filters.js';
import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/db-handle.js';
import type { NetworkTable } from '../../db/tables/network-tables.js';
import { networkVisibleTo, sharedWithProject } from '../rbac/rbac-store.js';
import { prepareQuery } from '../../db/prepared-query.js';

export type NetworkRow = Selectable<NetworkTable>;

export async function getNetworkRow(db: Db, id: string): Promise<NetworkRow | undefined> {
  return networkById.first(db, { id });
}

const networkById = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('networks').selectAll().where('id', '=', p.id),
);

/**
 * Networks the project may see (all of them for admins): its own, shared with everyone,
 * and those an RBAC policy grants it (rbac/rbac-store.ts), each read with `shared` as the
 * project sees it (True also when a policy shares it with the project alone).
 */
export async function listNetworkRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
  filters: ReadonlyArray<ColumnFilter> = [],
): Promise<NetworkRow[]> {
  let q = db.selectFrom('networks').selectAll();
  for (const f of filters) q = q.where(sql.ref(f.column), 'in', f.values);
  if (!all) q = q.where(networkVisibleTo(projectId));
  const rows = await q.execute();
  const sharedToMe = await sharedWithProject(db, projectId);
  return sharedToMe.size === 0 ? rows : rows.map((r) => (sharedToMe.has(r.id) ? { ...r, shared: 1 } : r));
}

/** Subnet ids per network, in creation order. */
export async function subnetIdsOf(db: Db, networkIds: ReadonlyArray<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (networkIds.length === 0) return out;
  const rows = await db
    .selectFrom('subnets')
    .select(['id', 'network_id'])
    .where('network_id', 'in', networkIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) out.set(r.network_id, [...(out.get(r.network_id) ?? []), r.id]);
  return out;
}

export async function insertNetworkRow(db: Db, row: NetworkRow): Promise<void> {
  await db.insertInto('networks').values(row).execute();
}

/** Applies a change and bumps the revision, as every Neutron standard-attribute update does. */
export async function updateNetworkRow(
  db: Db,
  row: NetworkRow,
  change: Updateable<NetworkTable>,
  now: string,
) {
  await db
    .updateTable('networks')
    .set({ ...change, revision_number: row.revision_number + 1, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

/** The next free VXLAN id (Neutron's vni_ranges default starts at 1). */
export async function nextVni(db: Db): Promise<number> {
  const r = await db
    .selectFrom('networks')
    .select((eb) => eb.fn.max('segmentation_id').as('max'))
    .where('network_type', '=', 'vxlan')
    .executeTakeFirst();
  return Number(r?.max ?? 0) + 1;
}

export async function portCount(db: Db, networkId: string, exceptOwnerPrefix?: string): Promise<number> {
  let q = db
    .selectFrom('ports')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('network_id', '=', networkId);
  if (exceptOwnerPrefix !== undefined) q = q.where('device_owner', 'not like', `${exceptOwnerPrefix}%`);
  const r = await q.executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function deleteNetworkRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('network_rbac_policies').where('object_id', '=', id).execute();
  await db.deleteFrom('auto_allocated_topologies').where('network_id', '=', id).execute();
  await db.deleteFrom('network_ip_allocations').where('network_id', '=', id).execute();
  const ports = db.selectFrom('ports').select('id').where('network_id', '=', id);
  await db.deleteFrom('port_security_group_bindings').where('port_id', 'in', ports).execute();
  await db.deleteFrom('ports').where('network_id', '=', id).execute();
  await db.deleteFrom('subnets').where('network_id', '=', id).execute();
  await db.deleteFrom('networks').where('id', '=', id).execute();
}

/**
 * Serialises changes that must see a network's subnets whole (overlap checks): PostgreSQL
 * locks the row; SQLite writers already run one at a time.
 */
export async function lockNetwork(db: Db, id: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres')
    await db.selectFrom('networks').select('id').where('id', '=', id).forUpdate().execute();
}

/** ML2 gives a physical network at most one flat network. */
export async function flatNetworkOn(db: Db, physnet: string): Promise<boolean> {
  const r = await db
    .selectFrom('networks')
    .select('id')
    .where('network_type', '=', 'flat')
    .where('physical_network', '=', physnet)
    .executeTakeFirst();
  return r !== undefined;
}
