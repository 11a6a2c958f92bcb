import type { Db } from '../../db/db-handle.js';

/** CUSTOM_* resource classes; the standard ones are constants in code. */
export async function listCustomClasses(db: Db, names?: ReadonlyArray<string>): Promise<string[]> {
  if (names !== undefined && names.length === 0) return [];
  let q = db.selectFrom('custom_resource_classes').select('name').orderBy('name');
  if (names !== undefined) q = q.where('name', 'in', names);
  return (await q.execute()).map((r) => r.name);
}

export async function insertCustomClass(db: Db, name: string, now: string): Promise<void> {
  await db.insertInto('custom_resource_classes').values({ name, created_at: now }).execute();
}

export async function renameCustomClass(db: Db, from: string, to: string): Promise<void> {
  await db.updateTable('custom_resource_classes').set({ name: to }).where('name', '=', from).execute();
}

export async function deleteCustomClass(db: Db, name: string): Promise<void> {
  await db.deleteFrom('custom_resource_classes').where('name', '=', name).execute();
}

/** True when some provider has inventory (and so possibly allocations) of the class. */
export async function classInUse(db: Db, name: string): Promise<boolean> {
  const inv = await db
    .selectFrom('resource_provider_inventories')
    .select('provider_uuid')
    .where('resource_class', '=', name)
    .limit(1)
    .executeTakeFirst();
  if (inv !== undefined) return true;
  const alloc = await db
    .selectFrom('allocations')
    .select('consumer_id')
    .where('resource_class', '=', name)
    .limit(1)
    .executeTakeFirst();
  return alloc !== undefined;
}
