import type { Db } from '../../db/db-handle.js';

export async function providerAggregates(db: Db, uuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('resource_provider_aggregates')
    .select('aggregate_uuid')
    .where('provider_uuid', '=', uuid)
    .orderBy('aggregate_uuid')
    .execute();
  return rows.map((r) => r.aggregate_uuid);
}

export async function replaceProviderAggregates(
  db: Db,
  uuid: string,
  aggs: ReadonlyArray<string>,
): Promise<void> {
  await db.deleteFrom('resource_provider_aggregates').where('provider_uuid', '=', uuid).execute();
  if (aggs.length === 0) return;
  await db
    .insertInto('resource_provider_aggregates')
    .values([...new Set(aggs)].map((aggregate_uuid) => ({ provider_uuid: uuid, aggregate_uuid })))
    .execute();
}
