import type { RoleTable } from '../../db/schema.js';
import { parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly domainId: string | null;
  readonly description: string;
  readonly options: Readonly<Record<string, unknown>>;
}

const columns = ['id', 'name', 'domain_id', 'description', 'options'] as const;

const toRole = (r: Readonly<Pick<RoleTable, (typeof columns)[number]>>): Role => ({
  id: r.id,
  name: r.name,
  domainId: r.domain_id,
  description: r.description,
  options: parseJson(r.options, {}),
});

export async function getRole(db: Db, id: string): Promise<Role | undefined> {
  const r = await db.selectFrom('roles').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toRole(r);
}

export async function listRoles(
  db: Db,
  f: { name?: string; domainId?: string | null; ids?: ReadonlyArray<string> },
): Promise<Role[]> {
  let q = db.selectFrom('roles').select(columns).orderBy('name');
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.domainId === null) q = q.where('domain_id', 'is', null);
  else if (f.domainId !== undefined) q = q.where('domain_id', '=', f.domainId);
  if (f.ids !== undefined) q = f.ids.length === 0 ? q.where('id', '=', '') : q.where('id', 'in', f.ids);
  return (await q.execute()).map(toRole);
}

export async function insertRole(db: Db, r: Role, now: string): Promise<void> {
  await db
    .insertInto('roles')
    .values({
      id: r.id,
      name: r.name,
      domain_id: r.domainId,
      description: r.description,
      options: JSON.stringify(r.options),
      created_at: now,
    })
    .execute();
}

export async function updateRole(db: Db, r: Role): Promise<void> {
  await db
    .updateTable('roles')
    .set({ name: r.name, description: r.description, options: JSON.stringify(r.options) })
    .where('id', '=', r.id)
    .execute();
}

export async function deleteRole(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('role_id', '=', id).execute();
  await db
    .deleteFrom('implied_roles')
    .where((eb) => eb.or([eb('prior_role_id', '=', id), eb('implied_role_id', '=', id)]))
    .execute();
  await db.deleteFrom('roles').where('id', '=', id).execute();
}

export async function listImplications(
  db: Db,
  priorId?: string,
): Promise<Array<{ prior: string; implied: string }>> {
  let q = db.selectFrom('implied_roles').select(['prior_role_id', 'implied_role_id']);
  if (priorId !== undefined) q = q.where('prior_role_id', '=', priorId);
  return (await q.execute()).map((r) => ({ prior: r.prior_role_id, implied: r.implied_role_id }));
}

export async function insertImplication(db: Db, prior: string, implied: string): Promise<void> {
  await db
    .insertInto('implied_roles')
    .values({ prior_role_id: prior, implied_role_id: implied })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteImplication(db: Db, prior: string, implied: string): Promise<number> {
  const r = await db
    .deleteFrom('implied_roles')
    .where('prior_role_id', '=', prior)
    .where('implied_role_id', '=', implied)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
