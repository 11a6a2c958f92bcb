import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { invalidInput } from '../network-errors.js';
import type { Db } from '../../db/db-handle.js';
import { rbacPolicyInUse } from './rbac-errors.js';
import type { PolicyKind } from './rbac-policy-kind.js';
import type { ObjectRbacPolicyRow, RbacObjectType } from './object-rbac-store.js';
import { insertObjectPolicyRow } from './object-rbac-store.js';
import { objectOwner, sharingInUse, syncSharedFlag, validatePolicyCreate } from './rbac-object-types.js';

const objectActions = ['access_as_shared'] as const;

/** Neutron's check for every RBAC'd type: the object exists and the caller owns it (or is admin). */
async function ownedObject(db: Db, caller: NetworkCaller, type: RbacObjectType, id: string): Promise<string> {
  const owner = await objectOwner(db, type, id);
  if (owner === undefined) throw invalidInput(`${type} ${id} could not be found`);
  if (!caller.isAdmin && owner !== caller.projectId)
    throw invalidInput('Only admins can manipulate policies on objects they do not own');
  return owner;
}

/** Policies on a security group, address scope, subnet pool or address group: access_as_shared only. */
export function objectPolicyKind(type: RbacObjectType): PolicyKind<ObjectRbacPolicyRow> {
  return {
    type,
    actions: objectActions,
    row: (policy) => ({ ...policy, object_type: type, action: 'access_as_shared' }),
    check: async (tx, caller, row) => {
      await ownedObject(tx, caller, type, row.object_id);
      await validatePolicyCreate(tx, caller, type, row.object_id, row.target_project);
    },
    insert: insertObjectPolicyRow,
    sync: (tx, row) => syncSharedFlag(tx, type, row.object_id),
  };
}

/** Neutron refuses to take access away from a project that still uses the object (409). */
async function checkRemoval(tx: Db, row: ObjectRbacPolicyRow, owner: string): Promise<void> {
  if (await sharingInUse(tx, row.object_type, row.object_id, owner, row.target_project, row.id))
    throw rbacPolicyInUse(row.object_id, `project_id=${row.target_project}`);
}

export async function retargetObjectPolicy(
  deps: NetworkDeps,
  caller: NetworkCaller,
  tx: Db,
  row: ObjectRbacPolicyRow,
  newTarget: string,
): Promise<ObjectRbacPolicyRow> {
  const owner = await ownedObject(tx, caller, row.object_type, row.object_id);
  // Widening to everyone takes access from no one (Neutron's validate_rbac_policy_update).
  if (newTarget !== '*') await checkRemoval(tx, row, owner);
  await tx
    .updateTable('object_rbac_policies')
    .set({ target_project: newTarget })
    .where('id', '=', row.id)
    .execute();
  await syncSharedFlag(tx, row.object_type, row.object_id);
  return { ...row, target_project: newTarget };
}

export async function deleteObjectPolicy(tx: Db, row: ObjectRbacPolicyRow): Promise<void> {
  const owner = await objectOwner(tx, row.object_type, row.object_id);
  if (owner !== undefined) await checkRemoval(tx, row, owner);
  await tx.deleteFrom('object_rbac_policies').where('id', '=', row.id).execute();
  await syncSharedFlag(tx, row.object_type, row.object_id);
}
