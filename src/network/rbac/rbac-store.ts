import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Db } from '../../db/db-handle.js';
import type { Database } from '../../db/schema.js';
import type { NetworkRbacPolicyTable } from '../../db/tables/network-tables.js';

export type RbacPolicyRow = Selectable<NetworkRbacPolicyTable>;
export type RbacAction = RbacPolicyRow['action'];

export async function getRbacPolicyRow(db: Db, id: string): Promise<RbacPolicyRow | undefined> {
  return db.selectFrom('network_rbac_policies').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The project's own policies (all of them for admins); equality filters run in SQL. */
export async function listRbacPolicyRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<RbacPolicyRow[]> {
  let q = db.selectFrom('network_rbac_policies').selectAll();
  if (!all) q = q.where('project_id', '=', projectId ?? '');
  return q.execute();
}

export async function insertRbacPolicyRow(db: Db, row: RbacPolicyRow): Promise<void> {
  await db.insertInto('network_rbac_policies').values(row).execute();
}

export async function policiesOn(db: Db, networkId: string, action: RbacAction): Promise<RbacPolicyRow[]> {
  return db
    .selectFrom('network_rbac_policies')
    .selectAll()
    .where('object_id', '=', networkId)
    .where('action', '=', action)
    .execute();
}

/** The actions granted to the project on the network, by a policy for it or for everyone. */
export async function grantedActions(
  db: Db,
  projectId: string | undefined,
  networkId: string,
): Promise<Set<RbacAction>> {
  const rows = await db
    .selectFrom('network_rbac_policies')
    .select('action')
    .where('object_id', '=', networkId)
    .where('target_project', 'in', targets(projectId))
    .execute();
  return new Set(rows.map((r) => r.action));
}

/** Networks shared with the project by a policy naming it (its `shared` reads True). */
export async function sharedWithProject(db: Db, projectId: string | undefined): Promise<Set<string>> {
  if (projectId === undefined) return new Set();
  const rows = await db
    .selectFrom('network_rbac_policies')
    .select('object_id')
    .where('action', '=', 'access_as_shared')
    .where('target_project', '=', projectId)
    .execute();
  return new Set(rows.map((r) => r.object_id));
}

const targets = (projectId: string | undefined) => (projectId === undefined ? ['*'] : [projectId, '*']);

/**
 * SQL for "the project may see this network": its own, shared with everyone (the `shared`
 * flag), or named by a policy for the project or for everyone. An index on
 * (target_project, object_id) serves the subquery, so lists stay in SQL.
 */
export function networkVisibleTo(projectId: string | undefined, actions?: ReadonlyArray<RbacAction>) {
  return (eb: ExpressionBuilder<Database, 'networks'>) => {
    let grant = eb
      .selectFrom('network_rbac_policies')
      .select('network_rbac_policies.id')
      .whereRef('network_rbac_policies.object_id', '=', 'networks.id')
      .where('network_rbac_policies.target_project', 'in', targets(projectId));
    if (actions !== undefined) grant = grant.where('network_rbac_policies.action', 'in', [...actions]);
    return eb.or([
      eb('networks.project_id', '=', projectId ?? ''),
      eb('networks.shared', '=', 1),
      eb.exists(grant),
    ]);
  };
}

/** Ports on the network of projects outside `allowed` (or of `only`), e.g. a policy's target. */
export async function portsOfOthers(
  db: Db,
  networkId: string,
  opts: { readonly only?: string; readonly allowed?: ReadonlyArray<string>; readonly gateways?: boolean },
): Promise<number> {
  // A router's gateway port belongs to no project (as Neutron's): its router's project uses the network.
  const owner = opts.gateways ? 'routers.project_id' : 'ports.project_id';
  let q = db
    .selectFrom('ports')
    .leftJoin('routers', 'routers.id', 'ports.device_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('ports.network_id', '=', networkId);
  if (opts.gateways) q = q.where('ports.device_owner', '=', 'network:router_gateway');
  if (opts.only !== undefined) q = q.where(owner, '=', opts.only);
  if (opts.allowed !== undefined && opts.allowed.length > 0) q = q.where(owner, 'not in', [...opts.allowed]);
  const r = await q.executeTakeFirst();
  return Number(r?.n ?? 0);
}
