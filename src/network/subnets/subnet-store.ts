import type { Selectable, Updateable } from 'kysely';
import type { SubnetTable } from '../../db/tables/network-tables.js';
import type { Db } from '../../db/db-handle.js';
import { sharedWithProject } from '../rbac/rbac-store.js';
import { prepareQuery } from '../../db/prepared-query.js';

export type SubnetRow = Selectable<SubnetTable>;

export async function getSubnetRow(db: Db, id: string): Promise<SubnetRow | undefined> {
  return db.selectFrom('subnets').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function subnetsOfNetwork(db: Db, networkId: string): Promise<SubnetRow[]> {
  return subnetsOf.all(db, { networkId });
}

const subnetsOf = prepareQuery((db, p: { networkId: string }) =>
  db
    .selectFrom('subnets')
    .selectAll()
    .where('network_id', '=', p.networkId)
    .orderBy('created_at')
    .orderBy('id'),
);

/** Subnets the project may see: its own and those on networks shared with it (flag or RBAC). */
export async function listSubnetRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<SubnetRow[]> {
  let q = db.selectFrom('subnets').selectAll('subnets');
  if (!all)
    q = q.innerJoin('networks', 'networks.id', 'subnets.network_id').where((eb) =>
      eb.or([
        eb('subnets.project_id', '=', projectId ?? ''),
        eb('networks.shared', '=', 1),
        eb.exists(
          eb
            .selectFrom('network_rbac_policies')
            .select('network_rbac_policies.id')
            .whereRef('network_rbac_policies.object_id', '=', 'subnets.network_id')
            .where('network_rbac_policies.action', '=', 'access_as_shared')
            .where('network_rbac_policies.target_project', '=', projectId ?? ''),
        ),
      ]),
    );
  return q.execute();
}

/**
 * Networks shared as the project sees them (the flag, or a policy for the project): what
 * a subnet's `shared` filter reads, as Neutron's, though subnets show no `shared`.
 */
export async function sharedNetworkIds(db: Db, projectId: string | undefined): Promise<Set<string>> {
  const flagged = await db.selectFrom('networks').select('id').where('shared', '=', 1).execute();
  return new Set([...flagged.map((n) => n.id), ...(await sharedWithProject(db, projectId))]);
}

export async function insertSubnetRow(db: Db, row: SubnetRow): Promise<void> {
  await db.insertInto('subnets').values(row).execute();
}

export async function updateSubnetRow(db: Db, row: SubnetRow, change: Updateable<SubnetTable>, now: string) {
  await db
    .updateTable('subnets')
    .set({ ...change, revision_number: row.revision_number + 1, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

export async function allocationCount(db: Db, subnetId: string): Promise<number> {
  const r = await db
    .selectFrom('network_ip_allocations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('subnet_id', '=', subnetId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function deleteSubnetRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('subnets').where('id', '=', id).execute();
}
