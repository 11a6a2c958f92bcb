import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/db-handle.js';
import { sharedWithProject } from '../rbac/object-rbac-store.js';
import type { SecurityGroupRuleTable, SecurityGroupTable } from '../../db/tables/network-tables.js';
import { insertRows, prepareQuery } from '../../db/prepared-query.js';

export type SecurityGroupRow = Selectable<SecurityGroupTable>;
export type SecurityGroupRuleRow = Selectable<SecurityGroupRuleTable>;

export async function getGroupRow(db: Db, id: string): Promise<SecurityGroupRow | undefined> {
  return db.selectFrom('security_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getGroupRows(db: Db, ids: ReadonlyArray<string>): Promise<SecurityGroupRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('security_groups')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

/** The project's groups and those shared with it (every group for admins). */
export async function listGroupRows(db: Db, projectId: string | undefined, all: boolean) {
  let q = db.selectFrom('security_groups').selectAll();
  if (!all)
    q = q.where((eb) =>
      eb.or([eb('project_id', '=', projectId ?? ''), sharedWithProject('security_groups', projectId)]),
    );
  return q.execute();
}

export async function defaultGroupId(db: Db, projectId: string): Promise<string | undefined> {
  return (await defaultGroupOf.first(db, { projectId }))?.security_group_id;
}

const defaultGroupOf = prepareQuery((db, p: { projectId: string }) =>
  db.selectFrom('default_security_groups').select('security_group_id').where('project_id', '=', p.projectId),
);

/** Which of the ids are some project's default group. */
export async function defaultGroupIds(db: Db, ids: ReadonlyArray<string>): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('default_security_groups')
    .select('security_group_id')
    .where('security_group_id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.security_group_id));
}

export async function insertGroup(
  db: Db,
  row: SecurityGroupRow,
  rules: ReadonlyArray<SecurityGroupRuleRow>,
  isDefault: boolean,
): Promise<void> {
  await db.insertInto('security_groups').values(row).execute();
  // Inserted before the rules, so the loser of a concurrent first use fails early.
  if (isDefault)
    await db
      .insertInto('default_security_groups')
      .values({ project_id: row.project_id, security_group_id: row.id })
      .execute();
  if (rules.length > 0)
    await db
      .insertInto('security_group_rules')
      .values([...rules])
      .execute();
}

/** Applies a change and bumps the revision (also used when the group's rules change). */
export async function updateGroupRow(
  db: Db,
  row: SecurityGroupRow,
  change: Updateable<SecurityGroupTable>,
  now: string,
): Promise<void> {
  await db
    .updateTable('security_groups')
    .set({ ...change, revision_number: row.revision_number + 1, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

export async function deleteGroupRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('security_group_rules').where('remote_group_id', '=', id).execute();
  await db.deleteFrom('security_group_rules').where('security_group_id', '=', id).execute();
  await db.deleteFrom('default_security_groups').where('security_group_id', '=', id).execute();
  await db.deleteFrom('security_groups').where('id', '=', id).execute();
}

export async function groupInUse(db: Db, id: string): Promise<boolean> {
  const r = await db
    .selectFrom('port_security_group_bindings')
    .select('port_id')
    .where('security_group_id', '=', id)
    .executeTakeFirst();
  return r !== undefined;
}

export async function getRuleRow(db: Db, id: string): Promise<SecurityGroupRuleRow | undefined> {
  return db.selectFrom('security_group_rules').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The rules of the given groups, in creation order. */
export async function rulesOfGroups(
  db: Db,
  groupIds: ReadonlyArray<string>,
): Promise<Map<string, SecurityGroupRuleRow[]>> {
  const out = new Map<string, SecurityGroupRuleRow[]>();
  if (groupIds.length === 0) return out;
  const rows = await db
    .selectFrom('security_group_rules')
    .selectAll()
    .where('security_group_id', 'in', [...groupIds])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) out.set(r.security_group_id, [...(out.get(r.security_group_id) ?? []), r]);
  return out;
}

/** Rules the project may see: its own and those of its groups (all of them for admins). */
export async function listRuleRows(db: Db, projectId: string | undefined, all: boolean) {
  let q = db.selectFrom('security_group_rules').selectAll('security_group_rules');
  if (!all)
    q = q
      .innerJoin('security_groups', 'security_groups.id', 'security_group_rules.security_group_id')
      .where((eb) =>
        eb.or([
          eb('security_group_rules.project_id', '=', projectId ?? ''),
          eb('security_groups.project_id', '=', projectId ?? ''),
        ]),
      );
  return q.execute();
}

export async function insertRule(db: Db, row: SecurityGroupRuleRow): Promise<void> {
  await db.insertInto('security_group_rules').values(row).execute();
}

export async function deleteRuleRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('security_group_rules').where('id', '=', id).execute();
}

/** Replaces a port's group memberships (the port's JSON list is written by the port store). */
export async function bindPort(
  db: Db,
  portId: string,
  groupIds: ReadonlyArray<string>,
  opts: { readonly newPort?: boolean } = {},
): Promise<void> {
  // A port inserted in this transaction has no bindings to replace.
  if (opts.newPort !== true)
    await db.deleteFrom('port_security_group_bindings').where('port_id', '=', portId).execute();
  await insertRows(
    db,
    'port_security_group_bindings',
    groupIds.map((g) => ({ port_id: portId, security_group_id: g })),
  );
}

/**
 * The rules that apply to a port: every rule of every group it is in. This is what the
 * dataplane reads to program a port's filter; remote groups are resolved by the caller
 * through `portsInGroup`.
 */
export async function effectiveRulesOfPort(db: Db, portId: string): Promise<SecurityGroupRuleRow[]> {
  return db
    .selectFrom('security_group_rules')
    .innerJoin(
      'port_security_group_bindings',
      'port_security_group_bindings.security_group_id',
      'security_group_rules.security_group_id',
    )
    .selectAll('security_group_rules')
    .where('port_security_group_bindings.port_id', '=', portId)
    .orderBy('security_group_rules.created_at')
    .orderBy('security_group_rules.id')
    .execute();
}

/** The ports in a group (members a remote_group_id rule admits). */
export async function portsInGroup(db: Db, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('port_security_group_bindings')
    .select('port_id')
    .where('security_group_id', '=', groupId)
    .execute();
  return rows.map((r) => r.port_id);
}

/**
 * Serialises rule changes of one group (the duplicate check reads the group's rules):
 * PostgreSQL locks the row; SQLite writers already run one at a time.
 */
export async function lockGroup(db: Db, id: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres')
    await db.selectFrom('security_groups').select('id').where('id', '=', id).forUpdate().execute();
}
