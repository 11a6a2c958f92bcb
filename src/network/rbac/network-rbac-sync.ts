import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import type { RbacAction } from './rbac-store.js';

/**
 * A network's `shared` is "a wildcard access_as_shared policy exists" and `router:external`
 * is "some access_as_external policy exists", as in Neutron; this keeps the flags, which
 * the visibility queries read as a fast path, equal to the policies.
 */
export async function syncNetworkFlags(db: Db, networkId: string, now: string): Promise<void> {
  const rows = await db
    .selectFrom('network_rbac_policies')
    .select(['action', 'target_project'])
    .where('object_id', '=', networkId)
    .execute();
  const shared = rows.some((r) => r.action === 'access_as_shared' && r.target_project === '*') ? 1 : 0;
  const external = rows.some((r) => r.action === 'access_as_external') ? 1 : 0;
  await db
    .updateTable('networks')
    .set((eb) => ({ shared, external, revision_number: eb('revision_number', '+', 1), updated_at: now }))
    .where('id', '=', networkId)
    .where((eb) => eb.or([eb('shared', '!=', shared), eb('external', '!=', external)]))
    .execute();
}

/** `shared`/`router:external` set on a network: adds the wildcard policy (network create and update). */
export async function addWildcard(
  db: Db,
  networkId: string,
  ownerProject: string,
  action: RbacAction,
  now: string,
): Promise<void> {
  const existing = await db
    .selectFrom('network_rbac_policies')
    .select('id')
    .where('object_id', '=', networkId)
    .where('action', '=', action)
    .where('target_project', '=', '*')
    .executeTakeFirst();
  if (existing !== undefined) return;
  await db
    .insertInto('network_rbac_policies')
    .values({
      id: uuid(),
      project_id: ownerProject,
      object_id: networkId,
      action,
      target_project: '*',
      created_at: now,
    })
    .execute();
}

/** `shared` cleared removes the wildcard; `router:external` cleared removes every external policy. */
export async function removeGrants(db: Db, networkId: string, action: RbacAction): Promise<void> {
  let q = db
    .deleteFrom('network_rbac_policies')
    .where('object_id', '=', networkId)
    .where('action', '=', action);
  if (action === 'access_as_shared') q = q.where('target_project', '=', '*');
  await q.execute();
}
