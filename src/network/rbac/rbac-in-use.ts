import type { Db } from '../../db/db-handle.js';
import { isSet } from '../../db/row-codec.js';
import type { NetworkRow } from '../networks/network-store.js';
import { rbacPolicyInUse } from './rbac-errors.js';
import type { RbacPolicyRow } from './rbac-store.js';
import { policiesOn, portsOfOthers } from './rbac-store.js';

/**
 * Neutron's checks before a project loses access (policy delete, or update to another
 * target): a shared network keeps the policy while the project has ports on it and no
 * other policy covers them; an external one while the project's routers use it as gateway.
 */
export async function checkAccessRemoval(
  db: Db,
  net: NetworkRow,
  policy: RbacPolicyRow,
  newTarget?: string,
): Promise<void> {
  const lost = policy.target_project;
  if (lost === net.project_id || newTarget === '*') return;
  // What auto-allocated topologies route to must stay everyone's.
  if (policy.action === 'access_as_external' && lost === '*' && isSet(net.is_default))
    throw rbacPolicyInUse(policy.object_id, 'Default external networks must be shared to everyone.');
  const details = await blocking(db, net, policy.action, lost, policy.id, newTarget);
  if (details !== undefined) throw rbacPolicyInUse(policy.object_id, details);
}

/** What keeps `lost` from losing the action on the network, or undefined when nothing does. */
export async function blocking(
  db: Db,
  net: NetworkRow,
  action: RbacPolicyRow['action'],
  lost: string,
  exceptPolicyId?: string,
  newTarget?: string,
): Promise<string | undefined> {
  const others = (await policiesOn(db, net.id, action)).filter((p) => p.id !== exceptPolicyId);
  const gateways = action === 'access_as_external';
  let n: number;
  if (lost === '*') {
    const kept = newTarget !== undefined ? [newTarget] : [];
    const allowed = [net.project_id, ...others.map((p) => p.target_project), ...kept];
    n = await portsOfOthers(db, net.id, { allowed, gateways });
  } else {
    if (others.some((p) => p.target_project === '*')) return undefined;
    n = await portsOfOthers(db, net.id, { only: lost, gateways });
  }
  if (n === 0) return undefined;
  return action === 'access_as_shared'
    ? `Unable to reconfigure sharing settings for network ${net.id}. Multiple tenants are using it.`
    : `Network ${net.id} is used by router gateways of the project(s) losing access.`;
}
