import { isSet } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { ownerOf } from '../network-project.js';
import { createAll } from '../network-bulk.js';
import { checkRevision } from '../network-revision.js';
import { checkQuota, checkQuotaLimit } from '../quotas/quota-service.js';
import { ensureDefaultGroup, initialRules, newGroupRow } from './security-group-defaults.js';
import {
  cannotRemoveDefault,
  cannotUpdateDefault,
  securityGroupInUse,
  securityGroupNotFound,
} from './security-group-errors.js';
import { securityGroupAttributes } from './security-group-schemas.js';
import type { SecurityGroupRow } from './security-group-store.js';
import * as store from './security-group-store.js';
import { groupTarget } from './security-group-view.js';
import { deleteObjectPolicies, sharedWith } from '../rbac/object-rbac-store.js';

/** A group is seen by its project and by admins (and, through RBAC, by projects it is shared with). */
export function canSeeGroup(caller: NetworkCaller, row: SecurityGroupRow): boolean {
  return caller.isAdmin || row.project_id === caller.projectId;
}

export async function findGroup(db: Db, caller: NetworkCaller, id: string): Promise<SecurityGroupRow> {
  const row = await store.getGroupRow(db, id);
  if (row === undefined) throw securityGroupNotFound(id);
  if (!canSeeGroup(caller, row) && !(await sharedWith(db, id, caller.projectId)))
    throw securityGroupNotFound(id);
  return row;
}

/** Lists make the caller's (or the filtered project's) default group first, as Neutron does. */
export async function listGroups(
  deps: NetworkDeps,
  caller: NetworkCaller,
  projectFilter: string | undefined,
): Promise<SecurityGroupRow[]> {
  const project = projectFilter ?? caller.projectId;
  if (project !== undefined) await ensureDefaultGroup(deps, caller, project);
  return store.listGroupRows(deps.store.db, caller.projectId, caller.isAdmin);
}

export async function createGroup(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<SecurityGroupRow> {
  const body = parseCreate(securityGroupAttributes, input);
  const projectId = ownerOf(caller, body);
  enforce(caller, 'create_security_group', { ...body, project_id: projectId, tenant_id: projectId });
  await ensureDefaultGroup(deps, caller, projectId);
  const row = newGroupRow(deps, projectId, {
    name: valueOr(securityGroupAttributes, body, 'name'),
    description: valueOr(securityGroupAttributes, body, 'description'),
    stateful: valueOr(securityGroupAttributes, body, 'stateful'),
  });
  const rules = initialRules(row, false);
  await deps.store.write(async (tx) => {
    await checkQuota(tx, projectId, 'security_group');
    // Neutron checks only that the limit has room for the new group's egress rules.
    await checkQuotaLimit(tx, projectId, 'security_group_rule', rules.length);
    await store.insertGroup(tx, row, rules, false);
  });
  return row;
}

/** Bulk create: every group or none (network-bulk.ts). */
export async function createGroups(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<SecurityGroupRow[]> {
  return createAll(deps, securityGroupAttributes, items, (inner, item) => createGroup(inner, caller, item));
}

export async function updateGroup(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
  ifRevision?: number,
): Promise<SecurityGroupRow> {
  const body = parseUpdate(securityGroupAttributes, input);
  return deps.store.write(async (tx) => {
    const row = await findGroup(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'update_security_group', groupTarget(row));
    const stateful = body['stateful'] as boolean | undefined;
    if (stateful !== undefined && stateful !== isSet(row.stateful) && (await store.groupInUse(tx, id)))
      throw securityGroupInUse(id);
    if (body['name'] !== undefined && (await store.defaultGroupIds(tx, [id])).has(id))
      throw cannotUpdateDefault();
    const change = {
      ...(body['name'] !== undefined && { name: body['name'] as string }),
      ...(body['description'] !== undefined && { description: body['description'] as string }),
      ...(stateful !== undefined && { stateful: stateful ? (1 as const) : (0 as const) }),
    };
    if (Object.keys(change).length === 0) return row;
    await store.updateGroupRow(tx, row, change, deps.clock().toISOString());
    return (await store.getGroupRow(tx, id))!;
  });
}

/** A group in use by a port stays (SecurityGroupInUse); only admins remove a default group. */
export async function deleteGroup(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  ifRevision?: number,
): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findGroup(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'delete_security_group', groupTarget(row));
    if (await store.groupInUse(tx, id)) throw securityGroupInUse(id);
    if (!caller.isAdmin && (await store.defaultGroupIds(tx, [id])).has(id)) throw cannotRemoveDefault();
    await deleteObjectPolicies(tx, id);
    await store.deleteGroupRow(tx, id);
  });
}
