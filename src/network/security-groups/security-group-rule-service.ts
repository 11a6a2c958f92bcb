import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import { sharedWith } from '../rbac/object-rbac-store.js';
import { parseCreate } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { ownerOf } from '../network-project.js';
import { checkQuota } from '../quotas/quota-service.js';
import { ruleExists, ruleNotFound, securityGroupNotFound } from './security-group-errors.js';
import type { RuleRequest } from './security-group-rule-validation.js';
import { canonicalRule, ruleKey } from './security-group-rule-validation.js';
import { securityGroupRuleAttributes } from './security-group-schemas.js';
import { createAll } from '../network-bulk.js';
import type { SecurityGroupRow, SecurityGroupRuleRow } from './security-group-store.js';
import * as store from './security-group-store.js';
import { ruleTarget } from './security-group-view.js';
import { addressGroupNotFound } from '../address-groups/address-group-errors.js';
import { getAddressGroupRow } from '../address-groups/address-group-store.js';

/** A rule is seen by its project, by its group's owner, and by admins. */
export async function findRule(db: Db, caller: NetworkCaller, id: string): Promise<SecurityGroupRuleRow> {
  const row = await store.getRuleRow(db, id);
  if (row === undefined) throw ruleNotFound(id);
  if (caller.isAdmin || row.project_id === caller.projectId) return row;
  const group = await store.getGroupRow(db, row.security_group_id);
  if (group?.project_id !== caller.projectId) throw ruleNotFound(id);
  return row;
}

/**
 * A group the rule's project may use: its own (any group for admins), else SecurityGroupNotFound.
 * As a remote group, one shared with the project also serves (rbac-security-groups).
 */
async function groupFor(
  db: Db,
  caller: NetworkCaller,
  projectId: string,
  id: string,
  asRemote = false,
): Promise<SecurityGroupRow> {
  const row = await store.getGroupRow(db, id);
  if (row === undefined) throw securityGroupNotFound(id);
  if (caller.isAdmin || row.project_id === projectId) return row;
  if (asRemote && (await sharedWith(db, id, projectId))) return row;
  throw securityGroupNotFound(id);
}

/** Neutron's check_address_group: the group must exist for the rule's project (any for admins). */
async function addressGroupFor(db: Db, caller: NetworkCaller, projectId: string, id: string): Promise<void> {
  const row = await getAddressGroupRow(db, id);
  if (row === undefined) throw addressGroupNotFound(id);
  if (!caller.isAdmin && row.project_id !== projectId && !(await sharedWith(db, id, projectId)))
    throw addressGroupNotFound(id);
}

export async function createRule(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<SecurityGroupRuleRow> {
  const body = parseCreate(securityGroupRuleAttributes, input);
  const projectId = ownerOf(caller, body);
  const groupId = body['security_group_id'] as string;
  const rule = canonicalRule({
    direction: body['direction'] as RuleRequest['direction'],
    ethertype: (body['ethertype'] ?? 'IPv4') as RuleRequest['ethertype'],
    protocol: (body['protocol'] ?? null) as string | null,
    port_range_min: (body['port_range_min'] ?? null) as number | null,
    port_range_max: (body['port_range_max'] ?? null) as number | null,
    remote_ip_prefix: (body['remote_ip_prefix'] ?? null) as string | null,
    remote_group_id: (body['remote_group_id'] ?? null) as string | null,
    remote_address_group_id: (body['remote_address_group_id'] ?? null) as string | null,
  });
  const now = deps.clock().toISOString();
  return deps.store.write(async (tx) => {
    if (rule.remote_group_id !== null) await groupFor(tx, caller, projectId, rule.remote_group_id, true);
    if (rule.remote_address_group_id)
      await addressGroupFor(tx, caller, projectId, rule.remote_address_group_id);
    await store.lockGroup(tx, groupId, deps.store.traits.name);
    const group = await groupFor(tx, caller, projectId, groupId);
    enforce(caller, 'create_security_group_rule', {
      project_id: projectId,
      tenant_id: projectId,
      'security_group:project_id': group.project_id,
    });
    await checkQuota(tx, projectId, 'security_group_rule');
    const key = ruleKey({ ...rule, security_group_id: group.id });
    const existing = (await store.rulesOfGroups(tx, [group.id])).get(group.id) ?? [];
    const same = existing.find((r) => ruleKey(r) === key);
    if (same !== undefined) throw ruleExists(same.id);
    const row: SecurityGroupRuleRow = {
      id: uuid(),
      security_group_id: group.id,
      project_id: projectId,
      ...rule,
      remote_address_group_id: rule.remote_address_group_id ?? null,
      description: (body['description'] ?? '') as string,
      revision_number: 0,
      created_at: now,
      updated_at: now,
    };
    await store.insertRule(tx, row);
    await store.updateGroupRow(tx, group, {}, now);
    return row;
  });
}

/** Bulk create: every rule or none (network-bulk.ts). */
export async function createRules(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<SecurityGroupRuleRow[]> {
  return createAll(deps, securityGroupRuleAttributes, items, (inner, item) =>
    createRule(inner, caller, item),
  );
}

export async function deleteRule(deps: NetworkDeps, caller: NetworkCaller, id: string): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findRule(tx, caller, id);
    const group = await store.getGroupRow(tx, row.security_group_id);
    enforce(caller, 'delete_security_group_rule', ruleTarget(row, group));
    await store.deleteRuleRow(tx, id);
    if (group !== undefined) await store.updateGroupRow(tx, group, {}, deps.clock().toISOString());
  });
}
