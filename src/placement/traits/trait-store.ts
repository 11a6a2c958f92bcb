import type { Db } from '../../db/db-handle.js';

export async function listCustomTraits(db: Db, names?: ReadonlyArray<string>): Promise<string[]> {
  if (names !== undefined && names.length === 0) return [];
  let q = db.selectFrom('custom_traits').select('name').orderBy('name');
  if (names !== undefined) q = q.where('name', 'in', names);
  return (await q.execute()).map((r) => r.name);
}

export async function insertCustomTrait(db: Db, name: string, now: string): Promise<void> {
  await db.insertInto('custom_traits').values({ name, created_at: now }).execute();
}

export async function deleteCustomTrait(db: Db, name: string): Promise<number> {
  const r = await db.deleteFrom('custom_traits').where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Every trait some provider has. */
export async function associatedTraits(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('resource_provider_traits').select('trait').distinct().execute();
  return new Set(rows.map((r) => r.trait));
}

export async function traitInUse(db: Db, name: string): Promise<boolean> {
  const r = await db
    .selectFrom('resource_provider_traits')
    .select('provider_uuid')
    .where('trait', '=', name)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

export async function providerTraits(db: Db, uuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('resource_provider_traits')
    .select('trait')
    .where('provider_uuid', '=', uuid)
    .orderBy('trait')
    .execute();
  return rows.map((r) => r.trait);
}

export async function replaceProviderTraits(
  db: Db,
  uuid: string,
  traits: ReadonlyArray<string>,
): Promise<void> {
  await db.deleteFrom('resource_provider_traits').where('provider_uuid', '=', uuid).execute();
  if (traits.length === 0) return;
  await db
    .insertInto('resource_provider_traits')
    .values([...new Set(traits)].map((trait) => ({ provider_uuid: uuid, trait })))
    .execute();
}
