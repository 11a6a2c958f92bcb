import { uuid } from '../../common/ids.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import type { SecurityGroupRow, SecurityGroupRuleRow } from './security-group-store.js';
import * as store from './security-group-store.js';

/** Neutron's DEFAULT_SG_DESCRIPTION. */
const defaultDescription = 'Default security group';

/**
 * A new group's rules: egress to anywhere for IPv4 and IPv6, and for the `default` group
 * also ingress from members of the same group (Neutron's create_security_group).
 */
export function initialRules(group: SecurityGroupRow, isDefault: boolean): SecurityGroupRuleRow[] {
  const rule = (direction: 'ingress' | 'egress', ethertype: 'IPv4' | 'IPv6'): SecurityGroupRuleRow => ({
    id: uuid(),
    security_group_id: group.id,
    project_id: group.project_id,
    direction,
    ethertype,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: direction === 'ingress' ? group.id : null,
    remote_address_group_id: null,
    description: '',
    revision_number: 0,
    created_at: group.created_at,
    updated_at: group.created_at,
  });
  return (['IPv4', 'IPv6'] as const).flatMap((e) => [
    ...(isDefault ? [rule('ingress', e)] : []),
    rule('egress', e),
  ]);
}

export function newGroupRow(
  deps: NetworkDeps,
  projectId: string,
  fields: { readonly name: string; readonly description: string; readonly stateful: boolean },
): SecurityGroupRow {
  const now = deps.clock().toISOString();
  return {
    id: uuid(),
    project_id: projectId,
    name: fields.name,
    description: fields.description,
    stateful: fields.stateful ? 1 : 0,
    tags: '[]',
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
}

/**
 * The project's `default` group, made on first use. A caller may not make one for another
 * project unless admin (Neutron bug 1987410): then the answer is undefined. Concurrent first
 * uses race on default_security_groups' primary key; the loser reads the winner's group.
 */
export async function ensureDefaultGroup(
  deps: NetworkDeps,
  caller: NetworkCaller,
  projectId: string,
): Promise<string | undefined> {
  if (projectId !== caller.projectId && !caller.isAdmin) return undefined;
  const existing = await store.defaultGroupId(deps.store.db, projectId);
  if (existing !== undefined) return existing;
  const row = newGroupRow(deps, projectId, {
    name: 'default',
    description: defaultDescription,
    stateful: true,
  });
  try {
    await deps.store.write(async (tx) => {
      if ((await store.defaultGroupId(tx, projectId)) !== undefined) return;
      await store.insertGroup(tx, row, initialRules(row, true), true);
    });
  } catch (err) {
    if (!deps.store.traits.isUniqueViolation(err)) throw err;
  }
  return store.defaultGroupId(deps.store.db, projectId);
}
