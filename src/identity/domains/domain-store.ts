import type { DomainTable } from '../../db/schema.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

export interface Domain {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly extra: Readonly<Record<string, unknown>>;
}

const toDomain = (r: Readonly<Omit<DomainTable, 'created_at'>>): Domain => ({
  id: r.id,
  name: r.name,
  description: r.description,
  enabled: isSet(r.enabled),
  extra: parseJson(r.extra, {}),
});

export async function getDomain(db: Db, id: string): Promise<Domain | undefined> {
  const r = await db
    .selectFrom('domains')
    .select(['id', 'name', 'description', 'enabled', 'extra'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toDomain(r);
}

export async function getDomainByName(db: Db, name: string): Promise<Domain | undefined> {
  const r = await db
    .selectFrom('domains')
    .select(['id', 'name', 'description', 'enabled', 'extra'])
    .where('name', '=', name)
    .executeTakeFirst();
  return r && toDomain(r);
}

export async function listDomains(
  db: Db,
  filter: { name?: string; enabled?: boolean; ids?: ReadonlyArray<string> },
): Promise<Domain[]> {
  let q = db.selectFrom('domains').select(['id', 'name', 'description', 'enabled', 'extra']).orderBy('name');
  if (filter.name !== undefined) q = q.where('name', '=', filter.name);
  if (filter.enabled !== undefined) q = q.where('enabled', '=', flag(filter.enabled));
  if (filter.ids !== undefined)
    q = filter.ids.length === 0 ? q.where('id', '=', '') : q.where('id', 'in', filter.ids);
  return (await q.execute()).map(toDomain);
}

export async function insertDomain(db: Db, d: Domain, now: string): Promise<void> {
  await db
    .insertInto('domains')
    .values({
      id: d.id,
      name: d.name,
      description: d.description,
      enabled: flag(d.enabled),
      extra: JSON.stringify(d.extra),
      created_at: now,
    })
    .execute();
}

export async function updateDomain(db: Db, d: Domain): Promise<void> {
  await db
    .updateTable('domains')
    .set({
      name: d.name,
      description: d.description,
      enabled: flag(d.enabled),
      extra: JSON.stringify(d.extra),
    })
    .where('id', '=', d.id)
    .execute();
}

export async function deleteDomain(db: Db, id: string): Promise<void> {
  await db.deleteFrom('domains').where('id', '=', id).execute();
}
