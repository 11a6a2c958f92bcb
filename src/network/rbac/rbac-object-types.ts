import type { Db } from '../../db/db-handle.js';
import type { NetworkCaller } from '../network-context.js';
import { invalidInput } from '../network-errors.js';
import type { RbacObjectType } from './object-rbac-store.js';
import { sharingTargets } from './object-rbac-store.js';

/** What sharing an object type needs: its table, and the projects that depend on an object. */
interface RbacObjectKind {
  readonly table: 'security_groups' | 'address_scopes' | 'subnetpools' | 'address_groups';
  /** Neutron's get_bound_project_ids: the projects using the object (ports, pools, subnets, rules). */
  boundProjects(db: Db, id: string): Promise<Set<string>>;
  /** Whether the table keeps a `shared` flag meaning "a wildcard policy exists". */
  readonly sharedFlag: boolean;
  /** Neutron's validate_rbac_policy_create of the type: refuses a new policy sharing `id` with `target`. */
  validateCreate?(db: Db, caller: NetworkCaller, id: string, target: string): Promise<void>;
}

const projects = (rows: ReadonlyArray<{ project_id: string }>) => new Set(rows.map((r) => r.project_id));

export const rbacObjectKinds: Readonly<Record<RbacObjectType, RbacObjectKind>> = {
  security_group: {
    table: 'security_groups',
    sharedFlag: false,
    boundProjects: async (db, id) =>
      projects(
        await db
          .selectFrom('port_security_group_bindings as b')
          .innerJoin('ports', 'ports.id', 'b.port_id')
          .select('ports.project_id')
          .where('b.security_group_id', '=', id)
          .execute(),
      ),
  },
  address_scope: {
    table: 'address_scopes',
    sharedFlag: true,
    boundProjects: async (db, id) =>
      projects(
        await db.selectFrom('subnetpools').select('project_id').where('address_scope_id', '=', id).execute(),
      ),
  },
  subnetpool: {
    table: 'subnetpools',
    sharedFlag: true,
    boundProjects: async (db, id) =>
      projects(await db.selectFrom('subnets').select('project_id').where('subnetpool_id', '=', id).execute()),
    validateCreate: checkScopeShared,
  },
  address_group: {
    table: 'address_groups',
    sharedFlag: false,
    boundProjects: async (db, id) =>
      projects(
        await db
          .selectFrom('security_group_rules')
          .select('project_id')
          .where('remote_address_group_id', '=', id)
          .execute(),
      ),
  },
};

/** The object's owner, read whatever the caller may see (Neutron reads it elevated). */
export async function objectOwner(db: Db, type: RbacObjectType, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom(rbacObjectKinds[type].table)
    .select('project_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.project_id;
}

/**
 * Neutron's _validate_rbac_policy_delete: `lost` (a project or '*') may lose access unless a
 * project outside the owner and the remaining targets still uses the object.
 */
export async function sharingInUse(
  db: Db,
  type: RbacObjectType,
  objectId: string,
  owner: string,
  lost: string,
  exceptPolicyId: string,
): Promise<boolean> {
  if (lost === owner) return false;
  const others = (await sharingTargetsExcept(db, objectId, exceptPolicyId)).filter((t) => t !== undefined);
  const bound = await rbacObjectKinds[type].boundProjects(db, objectId);
  bound.delete(owner);
  if (lost !== '*') return !others.includes('*') && bound.has(lost);
  return [...bound].some((p) => !others.includes(p));
}

async function sharingTargetsExcept(db: Db, objectId: string, policyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('object_rbac_policies')
    .select('target_project')
    .where('object_id', '=', objectId)
    .where('id', '!=', policyId)
    .execute();
  return rows.map((r) => r.target_project);
}

/** Keeps an address scope's or subnet pool's `shared` equal to "a wildcard policy exists". */
export async function syncSharedFlag(db: Db, type: RbacObjectType, objectId: string): Promise<void> {
  const kind = rbacObjectKinds[type];
  if (!kind.sharedFlag) return;
  const shared = (await sharingTargets(db, objectId)).includes('*') ? 1 : 0;
  if (kind.table === 'address_scopes')
    await db.updateTable('address_scopes').set({ shared }).where('id', '=', objectId).execute();
  else await db.updateTable('subnetpools').set({ shared }).where('id', '=', objectId).execute();
}

/**
 * Neutron's SubnetPool.validate_rbac_policy_create: a pool in an address scope is shared only
 * with a project (or everyone) the scope is shared with, by a policy on the scope naming the
 * target or everyone. Neutron counts those policies through a query scoped to the caller, so
 * for a non-admin only the caller's own policies on the scope count. Neutron wraps the refusal
 * in a callback failure whose id changes per process; the fault keeps the inner message.
 */
async function checkScopeShared(db: Db, caller: NetworkCaller, id: string, target: string): Promise<void> {
  const pool = await db
    .selectFrom('subnetpools')
    .select('address_scope_id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (pool?.address_scope_id == null) return;
  let q = db
    .selectFrom('object_rbac_policies')
    .select('id')
    .where('object_type', '=', 'address_scope')
    .where('object_id', '=', pool.address_scope_id)
    .where('target_project', 'in', ['*', target]);
  if (!caller.isAdmin) q = q.where('project_id', '=', caller.projectId ?? '');
  if ((await q.executeTakeFirst()) !== undefined) return;
  throw invalidInput(
    `Failed to create RBAC policy on object ${id} because target project doesn't have access to associated address scope.`,
  );
}

/** Runs the type's own check on a new policy, if it has one. */
export async function validatePolicyCreate(
  db: Db,
  caller: NetworkCaller,
  type: RbacObjectType,
  id: string,
  target: string,
): Promise<void> {
  await rbacObjectKinds[type].validateCreate?.(db, caller, id, target);
}
