import type { AccessRule } from '../../common/http/access-rules.js';
import type { ApplicationCredentialTable } from '../../db/schema.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

export interface ApplicationCredential {
  readonly id: string;
  readonly name: string;
  readonly userId: string;
  readonly projectId: string;
  readonly secretHash: string;
  readonly description: string;
  readonly expiresAt: string | null;
  readonly unrestricted: boolean;
  readonly roleIds: ReadonlyArray<string>;
  /** Empty: any call the roles allow. */
  readonly accessRules: ReadonlyArray<AccessRule>;
}

type Row = Readonly<Omit<ApplicationCredentialTable, 'created_at'>>;

const toCredential = (r: Row): ApplicationCredential => ({
  id: r.id,
  name: r.name,
  userId: r.user_id,
  projectId: r.project_id,
  secretHash: r.secret_hash,
  description: r.description,
  expiresAt: r.expires_at,
  unrestricted: isSet(r.unrestricted),
  roleIds: parseJson(r.roles, []),
  accessRules: parseJson(r.access_rules, []),
});

const columns = [
  'id',
  'name',
  'user_id',
  'project_id',
  'secret_hash',
  'description',
  'expires_at',
  'unrestricted',
  'roles',
  'access_rules',
] as const;

export async function getApplicationCredential(
  db: Db,
  id: string,
): Promise<ApplicationCredential | undefined> {
  const r = await db
    .selectFrom('application_credentials')
    .select(columns)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toCredential(r);
}

export async function getApplicationCredentialByName(
  db: Db,
  userId: string,
  name: string,
): Promise<ApplicationCredential | undefined> {
  const r = await db
    .selectFrom('application_credentials')
    .select(columns)
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
  return r && toCredential(r);
}

export async function listApplicationCredentials(
  db: Db,
  userId: string,
  name?: string,
): Promise<ApplicationCredential[]> {
  let q = db
    .selectFrom('application_credentials')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('name');
  if (name !== undefined) q = q.where('name', '=', name);
  return (await q.execute()).map(toCredential);
}

export async function insertApplicationCredential(
  db: Db,
  c: ApplicationCredential,
  now: string,
): Promise<void> {
  await db
    .insertInto('application_credentials')
    .values({
      id: c.id,
      name: c.name,
      user_id: c.userId,
      project_id: c.projectId,
      secret_hash: c.secretHash,
      description: c.description,
      expires_at: c.expiresAt,
      unrestricted: flag(c.unrestricted),
      roles: JSON.stringify(c.roleIds),
      access_rules: JSON.stringify(c.accessRules),
      created_at: now,
    })
    .execute();
}

export async function deleteApplicationCredential(db: Db, id: string): Promise<void> {
  await db.deleteFrom('application_credentials').where('id', '=', id).execute();
}

/** Replaces a secret's hash with a stronger one of the same secret. */
export async function upgradeSecretHash(db: Db, id: string, from: string, to: string): Promise<void> {
  await db
    .updateTable('application_credentials')
    .set({ secret_hash: to })
    .where('id', '=', id)
    .where('secret_hash', '=', from)
    .execute();
}
