import type { Selectable, SqlBool } from 'kysely';
import { sql } from 'kysely';
import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import type { ObjectRbacPolicyTable } from '../../db/tables/network-tables.js';

export type ObjectRbacPolicyRow = Selectable<ObjectRbacPolicyTable>;
export type RbacObjectType = ObjectRbacPolicyRow['object_type'];

export async function getObjectPolicyRow(db: Db, id: string): Promise<ObjectRbacPolicyRow | undefined> {
  return db.selectFrom('object_rbac_policies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listObjectPolicyRows(
  db: Db,
  projectId: string | undefined,
  all: boolean,
): Promise<ObjectRbacPolicyRow[]> {
  let q = db.selectFrom('object_rbac_policies').selectAll();
  if (!all) q = q.where('project_id', '=', projectId ?? '');
  return q.execute();
}

export async function insertObjectPolicyRow(db: Db, row: ObjectRbacPolicyRow): Promise<void> {
  await db.insertInto('object_rbac_policies').values(row).execute();
}

export async function sharingTargets(db: Db, objectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('object_rbac_policies')
    .select('target_project')
    .where('object_id', '=', objectId)
    .where('action', '=', 'access_as_shared')
    .execute();
  return rows.map((r) => r.target_project);
}

/** An object's policies go with it, as Neutron's rbac_entries cascade. */
export async function deleteObjectPolicies(db: Db, objectId: string): Promise<void> {
  await db.deleteFrom('object_rbac_policies').where('object_id', '=', objectId).execute();
}

const targets = (projectId: string | undefined) => (projectId === undefined ? ['*'] : [projectId, '*']);

/** The access_as_shared policies naming the project or everyone. */
const sharingWith = (db: Db, projectId: string | undefined) =>
  db
    .selectFrom('object_rbac_policies')
    .where('action', '=', 'access_as_shared')
    .where('target_project', 'in', targets(projectId));

/** Whether the object is shared with the project, by a policy naming it or everyone. */
export async function sharedWith(db: Db, objectId: string, projectId: string | undefined): Promise<boolean> {
  const row = await sharingWith(db, projectId)
    .select('id')
    .where('object_id', '=', objectId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The objects of a type shared with the project by a policy naming it or everyone: their
 * `shared` as the project sees it (Neutron's is_network_shared, per request). So the owner
 * of an object shared with one other project reads False, and that project reads True.
 */
export async function sharedToProject(
  db: Db,
  type: RbacObjectType,
  projectId: string | undefined,
): Promise<Set<string>> {
  const rows = await sharingWith(db, projectId).select('object_id').where('object_type', '=', type).execute();
  return new Set(rows.map((r) => r.object_id));
}

/** Address scope or subnet pool rows with `shared` (kept as "a wildcard policy exists") as the project sees it. */
export async function asSeenBy<R extends { readonly id: string; readonly shared: number }>(
  db: Db,
  type: 'address_scope' | 'subnetpool',
  projectId: string | undefined,
  rows: ReadonlyArray<R>,
): Promise<R[]> {
  if (rows.every((r) => r.shared === 1)) return [...rows];
  const shared = await sharedToProject(db, type, projectId);
  return rows.map((r) => (shared.has(r.id) ? { ...r, shared: 1 } : r));
}

type SharedTable = 'security_groups' | 'address_scopes' | 'subnetpools' | 'address_groups';

/** SQL for "a policy shares this row with the project (or everyone)", served by (target_project, object_id). */
export function sharedWithProject(table: SharedTable, projectId: string | undefined) {
  return sql<SqlBool>`exists (select 1 from object_rbac_policies p
    where p.object_id = ${sql.ref(`${table}.id`)} and p.action = 'access_as_shared'
    and p.target_project in (${sql.join(targets(projectId))}))`;
}

/** `shared: true` on an address scope or subnet pool is a wildcard policy, as Neutron's attach_rbac. */
export async function addWildcardPolicy(
  db: Db,
  type: RbacObjectType,
  objectId: string,
  owner: string,
  now: string,
): Promise<void> {
  if ((await sharingTargets(db, objectId)).includes('*')) return;
  await insertObjectPolicyRow(db, {
    id: uuid(),
    project_id: owner,
    object_type: type,
    object_id: objectId,
    action: 'access_as_shared',
    target_project: '*',
    created_at: now,
  });
}

/**
 * An RBAC'd object's policy target: `shared` reads True for a project it is shared with, as
 * Neutron's RBAC objects compute it per request (what `rule:shared_*` tests).
 */
export async function withSharing(
  db: Db,
  target: Readonly<Record<string, unknown>>,
  objectId: string,
  projectId: string | undefined,
): Promise<Record<string, unknown>> {
  if (target['shared'] === true || target['project_id'] === projectId) return { ...target };
  return { ...target, shared: await sharedWith(db, objectId, projectId) };
}
