import type { Selectable } from 'kysely';
import type { ServerGroupTable } from '../../db/schema.js';
import { parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

export interface ServerGroup {
  readonly id: string;
  readonly name: string;
  readonly policy: ServerGroupTable['policy'];
  readonly rules: Readonly<Record<string, unknown>>;
  readonly projectId: string;
  readonly userId: string;
  readonly createdAt: string;
}

export interface GroupPage {
  readonly limit: number;
  readonly offset: number;
}

const toGroup = (r: Readonly<Selectable<ServerGroupTable>>): ServerGroup => ({
  id: r.id,
  name: r.name,
  policy: r.policy,
  rules: parseJson(r.rules, {}),
  projectId: r.project_id,
  userId: r.user_id,
  createdAt: r.created_at,
});

/** Oldest first; `projectId` undefined lists every project's groups. */
export async function listGroups(
  db: Db,
  projectId: string | undefined,
  page: GroupPage,
): Promise<ServerGroup[]> {
  let q = db.selectFrom('server_groups').selectAll().orderBy('created_at').orderBy('id');
  if (projectId !== undefined) q = q.where('project_id', '=', projectId);
  const rows = await q.limit(page.limit).offset(page.offset).execute();
  return rows.map(toGroup);
}

export async function getGroup(db: Db, id: string): Promise<ServerGroup | undefined> {
  const r = await db.selectFrom('server_groups').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toGroup(r);
}

export async function insertGroup(db: Db, g: ServerGroup): Promise<void> {
  await db
    .insertInto('server_groups')
    .values({
      id: g.id,
      name: g.name,
      policy: g.policy,
      rules: JSON.stringify(g.rules),
      project_id: g.projectId,
      user_id: g.userId,
      created_at: g.createdAt,
    })
    .execute();
}

/** Returns false when there was no such group; membership rows go with it. */
export async function deleteGroup(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('server_group_members').where('group_id', '=', id).execute();
  const r = await db.deleteFrom('server_groups').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Live members per group: servers deleted since they joined are left out, as Nova shows them. */
export async function groupMembers(db: Db, groupIds: ReadonlyArray<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await db
    .selectFrom('server_group_members as m')
    .innerJoin('servers as s', 's.id', 'm.server_id')
    .select(['m.group_id', 'm.server_id'])
    .where('m.group_id', 'in', groupIds)
    .where('s.deleted_at', 'is', null)
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
  for (const r of rows) out.get(r.group_id)?.push(r.server_id);
  return out;
}
