import type { GroupTable } from '../../db/schema.js';
import { flag } from '../../db/row-codec.js';
import type { User } from '../users/user-store.js';
import { toUser, userColumns } from '../users/user-store.js';
import type { Db } from '../../db/db-handle.js';

export interface Group {
  readonly id: string;
  readonly name: string;
  readonly domainId: string;
  readonly description: string;
}

export interface GroupFilter {
  readonly name?: string;
  readonly domainId?: string;
}

export interface MemberFilter {
  readonly name?: string;
  readonly domainId?: string;
  readonly enabled?: boolean;
}

const columns = ['id', 'name', 'domain_id', 'description'] as const;

const toGroup = (r: Readonly<Pick<GroupTable, (typeof columns)[number]>>): Group => ({
  id: r.id,
  name: r.name,
  domainId: r.domain_id,
  description: r.description,
});

export async function getGroup(db: Db, id: string): Promise<Group | undefined> {
  const r = await db.selectFrom('groups').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toGroup(r);
}

export async function listGroups(db: Db, f: GroupFilter): Promise<Group[]> {
  let q = db.selectFrom('groups').select(columns).orderBy('name').orderBy('id');
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.domainId !== undefined) q = q.where('domain_id', '=', f.domainId);
  return (await q.execute()).map(toGroup);
}

export async function insertGroup(db: Db, g: Group, now: string): Promise<void> {
  await db
    .insertInto('groups')
    .values({ id: g.id, name: g.name, domain_id: g.domainId, description: g.description, created_at: now })
    .execute();
}

export async function updateGroup(db: Db, g: Group): Promise<void> {
  await db
    .updateTable('groups')
    .set({ name: g.name, description: g.description })
    .where('id', '=', g.id)
    .execute();
}

/** Removes the group with its memberships and its role assignments (the group as actor). */
export async function deleteGroup(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('actor_id', '=', id).execute();
  await db.deleteFrom('user_group_memberships').where('group_id', '=', id).execute();
  await db.deleteFrom('groups').where('id', '=', id).execute();
}

export async function countGroupAssignments(db: Db, id: string): Promise<number> {
  const r = await db
    .selectFrom('role_assignments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('actor_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function isMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const r = await db
    .selectFrom('user_group_memberships')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r !== undefined;
}

/** Adds a membership; an existing one is left as is (PUT is idempotent in Keystone). */
export async function addMember(db: Db, groupId: string, userId: string): Promise<void> {
  await db
    .insertInto('user_group_memberships')
    .values({ group_id: groupId, user_id: userId })
    .onConflict((oc) => oc.columns(['user_id', 'group_id']).doNothing())
    .execute();
}

/** Returns how many memberships were removed (0 or 1). */
export async function removeMember(db: Db, groupId: string, userId: string): Promise<number> {
  const r = await db
    .deleteFrom('user_group_memberships')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function listMemberIds(db: Db, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_group_memberships')
    .select('user_id')
    .where('group_id', '=', groupId)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function listMembers(db: Db, groupId: string, f: MemberFilter): Promise<User[]> {
  let q = db
    .selectFrom('users')
    .innerJoin('user_group_memberships as m', 'm.user_id', 'users.id')
    .select(userColumns.map((c) => `users.${c}` as const))
    .where('m.group_id', '=', groupId)
    .orderBy('users.name')
    .orderBy('users.id');
  if (f.name !== undefined) q = q.where('users.name', '=', f.name);
  if (f.domainId !== undefined) q = q.where('users.domain_id', '=', f.domainId);
  if (f.enabled !== undefined) q = q.where('users.enabled', '=', flag(f.enabled));
  return (await q.execute()).map(toUser);
}

export async function listGroupsForUser(db: Db, userId: string, f: { name?: string }): Promise<Group[]> {
  let q = db
    .selectFrom('groups')
    .innerJoin('user_group_memberships as m', 'm.group_id', 'groups.id')
    .select(columns.map((c) => `groups.${c}` as const))
    .where('m.user_id', '=', userId)
    .orderBy('groups.name')
    .orderBy('groups.id');
  if (f.name !== undefined) q = q.where('groups.name', '=', f.name);
  return (await q.execute()).map(toGroup);
}
