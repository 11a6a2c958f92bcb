import { isCloudError } from '../../common/errors.js';
import { uuid } from '../../common/ids.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { Db } from '../../db/db-handle.js';
import { parseCreate, parseUpdate } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { invalidInput } from '../network-errors.js';
import { ownerOf } from '../network-project.js';
import { checkQuota } from '../quotas/quota-service.js';
import { findNetwork } from '../networks/network-service.js';
import type { NetworkRow } from '../networks/network-store.js';
import { getNetworkRow } from '../networks/network-store.js';
import { duplicateRbacPolicy, invalidActionForType, rbacPolicyNotFound } from './rbac-errors.js';
import { checkAccessRemoval } from './rbac-in-use.js';
import { deleteObjectPolicy, objectPolicyKind, retargetObjectPolicy } from './object-rbac-service.js';
import type { PolicyKind } from './rbac-policy-kind.js';
import { getObjectPolicyRow } from './object-rbac-store.js';
import type { rbacObjectTypes } from './rbac-schemas.js';
import { rbacPolicyAttributes } from './rbac-schemas.js';
import type { RbacAction, RbacPolicyRow } from './rbac-store.js';
import * as store from './rbac-store.js';
import { syncNetworkFlags } from './network-rbac-sync.js';
import type { AnyRbacPolicyRow } from './rbac-view.js';
import { rbacPolicyTarget } from './rbac-view.js';

const networkActions: ReadonlyArray<RbacAction> = ['access_as_external', 'access_as_shared'];

/** A policy (of either table) is seen by its owner and admins; anyone else gets Neutron's not-found. */
export async function findRbacPolicy(db: Db, caller: NetworkCaller, id: string): Promise<AnyRbacPolicyRow> {
  const row = (await store.getRbacPolicyRow(db, id)) ?? (await getObjectPolicyRow(db, id));
  if (row === undefined || !(caller.isAdmin || row.project_id === caller.projectId))
    throw rbacPolicyNotFound(id);
  return row;
}

/**
 * Only a network's owner (or an admin) shares it, as Neutron's RBAC callbacks check. Neutron
 * turns a callback's failure, a network not found included, into InvalidInput (400).
 */
async function ownedNetwork(db: Db, caller: NetworkCaller, id: string): Promise<NetworkRow> {
  const net = await findNetwork(db, caller, id).catch((err: unknown) => {
    if (isCloudError(err) && err.status === 404) throw invalidInput(`Network ${id} could not be found`);
    throw err;
  });
  if (!caller.isAdmin && net.project_id !== caller.projectId)
    throw invalidInput('Only admins can manipulate policies on networks they do not own');
  return net;
}

/** Network policies: shared and external, kept in step with the network's two flags. */
const networkKind: PolicyKind<RbacPolicyRow> = {
  type: 'network',
  actions: networkActions,
  row: (policy) => ({ ...policy, action: policy.action as RbacAction }),
  check: async (tx, caller, row) => {
    await ownedNetwork(tx, caller, row.object_id);
  },
  insert: store.insertRbacPolicyRow,
  sync: (tx, row) => syncNetworkFlags(tx, row.object_id, row.created_at),
};

export async function createRbacPolicy(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<AnyRbacPolicyRow> {
  const body = parseCreate(rbacPolicyAttributes, input);
  const type = body['object_type'] as (typeof rbacObjectTypes)[number];
  if (type === 'network') return createPolicy(deps, caller, networkKind, body);
  return createPolicy(deps, caller, objectPolicyKind(type), body);
}

/** One create for every object type; the kind supplies what differs (Neutron's RBAC callbacks). */
async function createPolicy<R extends AnyRbacPolicyRow>(
  deps: NetworkDeps,
  caller: NetworkCaller,
  kind: PolicyKind<R>,
  body: Readonly<Record<string, unknown>>,
): Promise<R> {
  const action = body['action'] as string;
  if (!kind.actions.includes(action)) throw invalidActionForType(action, kind.type, kind.actions);
  const row = kind.row({
    id: uuid(),
    project_id: ownerOf(caller, body),
    object_id: body['object_id'] as string,
    action,
    target_project: body['target_tenant'] as string,
    created_at: deps.clock().toISOString(),
  });
  const target = rbacPolicyTarget(row);
  enforce(caller, 'create_rbac_policy', target);
  enforceAttributes(caller, 'create_rbac_policy', Object.keys(body), target);
  return uniqueWrite(
    deps.store.traits,
    () =>
      deps.store.write(async (tx) => {
        await kind.check(tx, caller, row);
        await checkQuota(tx, row.project_id, 'rbac_policy');
        await kind.insert(tx, row);
        await kind.sync(tx, row);
        return row;
      }),
    duplicateRbacPolicy,
  );
}

export async function updateRbacPolicy(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
): Promise<AnyRbacPolicyRow> {
  const body = parseUpdate(rbacPolicyAttributes, input);
  const newTarget = body['target_tenant'] as string | undefined;
  return uniqueWrite(
    deps.store.traits,
    () =>
      deps.store.write(async (tx) => {
        const row = await findRbacPolicy(tx, caller, id);
        const target = {
          ...rbacPolicyTarget(row),
          ...(newTarget !== undefined && { target_tenant: newTarget, target_project: newTarget }),
        };
        enforce(caller, 'update_rbac_policy', rbacPolicyTarget(row));
        enforceAttributes(caller, 'update_rbac_policy', Object.keys(body), target);
        if (newTarget === undefined || newTarget === row.target_project) return row;
        if ('object_type' in row) return retargetObjectPolicy(deps, caller, tx, row, newTarget);
        const net = await ownedNetwork(tx, caller, row.object_id);
        await checkAccessRemoval(tx, net, row, newTarget);
        await tx
          .updateTable('network_rbac_policies')
          .set({ target_project: newTarget })
          .where('id', '=', id)
          .execute();
        await syncNetworkFlags(tx, row.object_id, deps.clock().toISOString());
        return { ...row, target_project: newTarget };
      }),
    duplicateRbacPolicy,
  );
}

export async function deleteRbacPolicy(deps: NetworkDeps, caller: NetworkCaller, id: string): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findRbacPolicy(tx, caller, id);
    enforce(caller, 'delete_rbac_policy', rbacPolicyTarget(row));
    if ('object_type' in row) return deleteObjectPolicy(tx, row);
    const net = await getNetworkRow(tx, row.object_id);
    if (net !== undefined) await checkAccessRemoval(tx, net, row);
    await tx.deleteFrom('network_rbac_policies').where('id', '=', id).execute();
    await syncNetworkFlags(tx, row.object_id, deps.clock().toISOString());
  });
}
