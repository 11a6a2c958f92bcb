import type { UserTable } from '../../db/schema.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly domainId: string;
  readonly enabled: boolean;
  readonly passwordHash: string | null;
  readonly defaultProjectId: string | null;
  readonly description: string;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The columns `toUser` reads; stores that join the users table select these. */
export const userColumns = [
  'id',
  'name',
  'domain_id',
  'enabled',
  'password_hash',
  'default_project_id',
  'description',
  'extra',
  'options',
] as const;

export const toUser = (r: Readonly<Pick<UserTable, (typeof userColumns)[number]>>): User => ({
  id: r.id,
  name: r.name,
  domainId: r.domain_id,
  enabled: isSet(r.enabled),
  passwordHash: r.password_hash,
  defaultProjectId: r.default_project_id,
  description: r.description,
  extra: parseJson(r.extra, {}),
  options: parseJson(r.options, {}),
});

export async function getUser(db: Db, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
  return r && toUser(r);
}

export async function getUserByName(db: Db, domainId: string, name: string): Promise<User | undefined> {
  const r = await db
    .selectFrom('users')
    .select(userColumns)
    .where('domain_id', '=', domainId)
    .where('name', '=', name)
    .executeTakeFirst();
  return r && toUser(r);
}

export async function listUsers(
  db: Db,
  f: { name?: string; domainId?: string; enabled?: boolean },
): Promise<User[]> {
  let q = db.selectFrom('users').select(userColumns).orderBy('name').orderBy('id');
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.domainId !== undefined) q = q.where('domain_id', '=', f.domainId);
  if (f.enabled !== undefined) q = q.where('enabled', '=', flag(f.enabled));
  return (await q.execute()).map(toUser);
}

export async function insertUser(db: Db, u: User, now: string): Promise<void> {
  await db
    .insertInto('users')
    .values({ ...toRow(u), password_created_at: u.passwordHash === null ? null : now, created_at: now })
    .execute();
}

export async function updateUser(db: Db, u: User, passwordChangedAt?: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...toRow(u), ...(passwordChangedAt !== undefined && { password_created_at: passwordChangedAt }) })
    .where('id', '=', u.id)
    .execute();
}

export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('actor_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
}

function toRow(u: User) {
  return {
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: flag(u.enabled),
    password_hash: u.passwordHash,
    default_project_id: u.defaultProjectId,
    description: u.description,
    extra: JSON.stringify(u.extra),
    options: JSON.stringify(u.options),
  };
}

/** Keystone's lockout counters for one user. */
export interface FailedAuth {
  readonly count: number;
  readonly at: string | null;
}

export async function getFailedAuth(db: Db, id: string): Promise<FailedAuth> {
  const r = await db
    .selectFrom('users')
    .select(['failed_auth_count', 'failed_auth_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return { count: r?.failed_auth_count ?? 0, at: r?.failed_auth_at ?? null };
}

/** One more wrong password, counted in SQL so concurrent guesses all count. */
export async function recordFailedAuth(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ failed_auth_count: eb('failed_auth_count', '+', 1), failed_auth_at: at }))
    .where('id', '=', id)
    .execute();
}

export async function resetFailedAuth(db: Db, id: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_auth_count: 0, failed_auth_at: null })
    .where('id', '=', id)
    .where('failed_auth_count', '>', 0)
    .execute();
}

/** Replaces a hash with a stronger one of the same password, unless the password changed meanwhile. */
export async function upgradePasswordHash(db: Db, id: string, from: string, to: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: to })
    .where('id', '=', id)
    .where('password_hash', '=', from)
    .execute();
}
