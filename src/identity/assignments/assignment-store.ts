import type { AssignmentType } from '../../db/schema.js';
import { flag, isSet } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

/** One grant: an actor (user or group) has a role on a target (project, domain or the system). */
export interface Assignment {
  readonly type: AssignmentType;
  readonly actorId: string;
  readonly targetId: string;
  readonly roleId: string;
  readonly inherited: boolean;
}

export const systemTarget = 'system';
export interface AssignmentFilter {
  readonly actorIds?: ReadonlyArray<string>;
  readonly targetIds?: ReadonlyArray<string>;
  readonly roleId?: string;
  readonly types?: ReadonlyArray<AssignmentType>;
  readonly inherited?: boolean;
}

export async function listAssignments(db: Db, f: AssignmentFilter): Promise<Assignment[]> {
  let q = db.selectFrom('role_assignments').selectAll();
  if (f.actorIds !== undefined)
    q = f.actorIds.length === 0 ? q.where('actor_id', '=', '') : q.where('actor_id', 'in', f.actorIds);
  if (f.targetIds !== undefined)
    q = f.targetIds.length === 0 ? q.where('target_id', '=', '') : q.where('target_id', 'in', f.targetIds);
  if (f.roleId !== undefined) q = q.where('role_id', '=', f.roleId);
  if (f.types !== undefined) q = q.where('type', 'in', f.types);
  if (f.inherited !== undefined) q = q.where('inherited', '=', flag(f.inherited));
  const rows = await q.execute();
  return rows.map((r) => ({
    type: r.type,
    actorId: r.actor_id,
    targetId: r.target_id,
    roleId: r.role_id,
    inherited: isSet(r.inherited),
  }));
}

export async function insertAssignment(db: Db, a: Assignment): Promise<void> {
  await db
    .insertInto('role_assignments')
    .values({
      type: a.type,
      actor_id: a.actorId,
      target_id: a.targetId,
      role_id: a.roleId,
      inherited: flag(a.inherited),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteAssignment(db: Db, a: Assignment): Promise<number> {
  const r = await db
    .deleteFrom('role_assignments')
    .where('type', '=', a.type)
    .where('actor_id', '=', a.actorId)
    .where('target_id', '=', a.targetId)
    .where('role_id', '=', a.roleId)
    .where('inherited', '=', flag(a.inherited))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function groupIdsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_group_memberships')
    .select('group_id')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.group_id);
}

export async function userIdsOfGroups(
  db: Db,
  groupIds: ReadonlyArray<string>,
): Promise<Array<{ userId: string; groupId: string }>> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .selectFrom('user_group_memberships')
    .select(['user_id', 'group_id'])
    .where('group_id', 'in', groupIds)
    .execute();
  return rows.map((r) => ({ userId: r.user_id, groupId: r.group_id }));
}
