import { ConflictError } from '../../common/errors.js';
import type { Db } from '../../db/db-handle.js';
import type { SecurityGroupRow } from './security-group-store.js';
import { getGroupRows, listGroupRows, rulesOfGroups } from './security-group-store.js';

/** A rule as compute reads it from Neutron (GET /v2.0/security-groups?id=...). */
export interface SecurityGroupRuleInfo {
  readonly id: string;
  readonly securityGroupId: string;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string | null;
  readonly portRangeMin: number | null;
  readonly portRangeMax: number | null;
  readonly remoteIpPrefix: string | null;
  readonly remoteGroupId: string | null;
}

export interface SecurityGroupInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly projectId: string;
  readonly rules: ReadonlyArray<SecurityGroupRuleInfo>;
}

/** Who may see a group: its project, or an admin (Neutron's list filtered by the token). */
const visible = (user: { projectId: string; isAdmin: boolean }, g: SecurityGroupRow) =>
  user.isAdmin || g.project_id === user.projectId;

/** The groups with these ids the user may see, rules included; one query for groups, one for rules. */
export async function securityGroupsByIds(
  db: Db,
  user: { projectId: string; isAdmin: boolean },
  ids: ReadonlyArray<string>,
): Promise<SecurityGroupInfo[]> {
  const rows = (await getGroupRows(db, [...new Set(ids)])).filter((g) => visible(user, g));
  return withRules(db, rows);
}

/** The project's groups, or every group (Nova's all_tenants for admins), with rules. */
export async function securityGroupsOfProject(
  db: Db,
  projectId: string | undefined,
): Promise<SecurityGroupInfo[]> {
  return withRules(db, await listGroupRows(db, projectId, projectId === undefined));
}

async function withRules(db: Db, rows: ReadonlyArray<SecurityGroupRow>): Promise<SecurityGroupInfo[]> {
  const rules = await rulesOfGroups(
    db,
    rows.map((g) => g.id),
  );
  return rows.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    projectId: g.project_id,
    rules: (rules.get(g.id) ?? []).map((r) => ({
      id: r.id,
      securityGroupId: r.security_group_id,
      direction: r.direction,
      protocol: r.protocol,
      portRangeMin: r.port_range_min,
      portRangeMax: r.port_range_max,
      remoteIpPrefix: r.remote_ip_prefix,
      remoteGroupId: r.remote_group_id,
    })),
  }));
}

/**
 * neutronclient's find_resourceid_by_name_or_id: an id the user may see, else the one group
 * of that name in the user's project. Undefined when none; several by name is a conflict.
 */
export async function findSecurityGroupId(
  db: Db,
  user: { projectId: string; isAdmin: boolean },
  nameOrId: string,
): Promise<string | undefined> {
  const byId = (await getGroupRows(db, [nameOrId])).filter((g) => visible(user, g));
  if (byId.length > 0) return byId[0]!.id;
  const byName = await db
    .selectFrom('security_groups')
    .select('id')
    .where('name', '=', nameOrId)
    .where('project_id', '=', user.projectId)
    .execute();
  if (byName.length > 1)
    throw new ConflictError(
      'network.security_group.no_unique_match',
      `Multiple security_group matches found for name '${nameOrId}', use an ID to be more specific.`,
    );
  return byName[0]?.id;
}
