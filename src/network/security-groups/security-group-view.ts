import { secondsTime } from '../../common/time.js';
import { isSet, parseJson } from '../../db/row-codec.js';
import { normalizedCidr } from './security-group-protocols.js';
import { advertised } from '../network-response-schemas.js';
import type { SecurityGroupRow, SecurityGroupRuleRow } from './security-group-store.js';

/** A rule as Neutron renders it with security-groups-normalized-cidr and the standard attributes. */
export function ruleView(row: SecurityGroupRuleRow): Record<string, unknown> {
  return {
    id: row.id,
    tenant_id: row.project_id,
    project_id: row.project_id,
    security_group_id: row.security_group_id,
    ethertype: row.ethertype,
    direction: row.direction,
    protocol: row.protocol,
    port_range_min: row.port_range_min,
    port_range_max: row.port_range_max,
    remote_ip_prefix: row.remote_ip_prefix,
    normalized_cidr: normalizedCidr(row.remote_ip_prefix),
    remote_group_id: row.remote_group_id,
    ...(advertised('security-groups-remote-address-group') && {
      remote_address_group_id: row.remote_address_group_id,
    }),
    description: row.description,
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
  };
}

/**
 * A group with its rules embedded, as Neutron's show and list return it. `shared` is as the
 * caller sees it: shared with the caller's project or everyone (security-groups-shared-filtering).
 */
export function groupView(
  row: SecurityGroupRow,
  rules: ReadonlyArray<SecurityGroupRuleRow>,
  shared: boolean,
): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    stateful: isSet(row.stateful),
    shared,
    tenant_id: row.project_id,
    project_id: row.project_id,
    description: row.description,
    security_group_rules: rules.map(ruleView),
    tags: parseJson<string[]>(row.tags, []),
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
  };
}

export function groupTarget(row: SecurityGroupRow): Record<string, unknown> {
  return { project_id: row.project_id, tenant_id: row.project_id };
}

/** A rule's target names its group's owner too (Neutron's sg_owner rule). */
export function ruleTarget(
  row: SecurityGroupRuleRow,
  group: SecurityGroupRow | undefined,
): Record<string, unknown> {
  return {
    project_id: row.project_id,
    tenant_id: row.project_id,
    'security_group:project_id': group?.project_id,
    'security_group:tenant_id': group?.project_id,
  };
}
