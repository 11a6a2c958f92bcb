import type { AccessRule } from '../../common/http/access-rules.js';
import type { Db } from '../../db/db-handle.js';

/** A user's access rules, in the order they were made (Keystone lists them by id). */
export async function listAccessRules(db: Db, userId: string): Promise<AccessRule[]> {
  return db
    .selectFrom('access_rules')
    .select(['id', 'service', 'method', 'path'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
}

/** Records the rules of a new credential that the user does not have yet. */
export async function addAccessRules(
  db: Db,
  userId: string,
  rules: ReadonlyArray<AccessRule>,
): Promise<void> {
  const known = new Set((await listAccessRules(db, userId)).map((r) => r.id));
  const fresh = rules.filter((r) => !known.has(r.id));
  if (fresh.length === 0) return;
  await db
    .insertInto('access_rules')
    .values(
      fresh.map((r) => ({ id: r.id, user_id: userId, service: r.service, method: r.method, path: r.path })),
    )
    .execute();
}

export async function deleteAccessRule(db: Db, id: string): Promise<void> {
  await db.deleteFrom('access_rules').where('id', '=', id).execute();
}
