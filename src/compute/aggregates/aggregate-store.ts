import { sql } from 'kysely';
import type { Db } from '../../db/db-handle.js';

/** The metadata key that puts an aggregate's hosts in a zone. */
export const zoneKey = 'availability_zone';

/** A host aggregate with its hosts (in the order they joined) and metadata. */
export interface Aggregate {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  readonly hosts: ReadonlyArray<string>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string | null;
}

/** Every aggregate by id, or the one with `id`. */
export async function listAggregates(db: Db, id?: number): Promise<Aggregate[]> {
  let q = db.selectFrom('aggregates').selectAll().orderBy('id');
  if (id !== undefined) q = q.where('id', '=', id);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const hosts = await db
    .selectFrom('aggregate_hosts')
    .select(['aggregate_id', 'host'])
    .where('aggregate_id', 'in', ids)
    .orderBy('added_at')
    .orderBy('host')
    .execute();
  const meta = await db
    .selectFrom('aggregate_metadata')
    .select(['aggregate_id', 'key', 'value'])
    .where('aggregate_id', 'in', ids)
    .orderBy('key')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    uuid: r.uuid,
    name: r.name,
    hosts: hosts.filter((h) => h.aggregate_id === r.id).map((h) => h.host),
    metadata: Object.fromEntries(meta.filter((m) => m.aggregate_id === r.id).map((m) => [m.key, m.value])),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function getAggregate(db: Db, id: number): Promise<Aggregate | undefined> {
  return (await listAggregates(db, id))[0];
}

/** Whether another aggregate already has the name. */
export async function nameTaken(db: Db, name: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('aggregates').select('id').where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/**
 * Inserts an aggregate under the next integer id (one past the highest, so the id of the
 * newest aggregate comes back after it is deleted). Two creates at the same instant on
 * PostgreSQL can collide on the key: the later one fails (500) and the client retries.
 */
export async function insertAggregate(
  db: Db,
  a: { uuid: string; name: string; createdAt: string; zone: string | undefined },
): Promise<number> {
  const row = await db
    .insertInto('aggregates')
    .values({
      id: sql<number>`(select coalesce(max(id), 0) + 1 from aggregates)`,
      uuid: a.uuid,
      name: a.name,
      created_at: a.createdAt,
      updated_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (a.zone !== undefined)
    await db
      .insertInto('aggregate_metadata')
      .values({ aggregate_id: row.id, key: zoneKey, value: a.zone })
      .execute();
  return row.id;
}

export async function renameAggregate(db: Db, id: number, name: string, at: string): Promise<void> {
  await db.updateTable('aggregates').set({ name, updated_at: at }).where('id', '=', id).execute();
}

/** Nova's update_metadata: a null value removes the key, others are set; keys not named stay. */
export async function updateMetadata(
  db: Db,
  id: number,
  changes: Readonly<Record<string, string | null>>,
  at: string,
): Promise<void> {
  for (const [key, value] of Object.entries(changes)) {
    await db.deleteFrom('aggregate_metadata').where('aggregate_id', '=', id).where('key', '=', key).execute();
    if (value !== null)
      await db.insertInto('aggregate_metadata').values({ aggregate_id: id, key, value }).execute();
  }
  await db.updateTable('aggregates').set({ updated_at: at }).where('id', '=', id).execute();
}

/** Hosts and metadata go with the aggregate. */
export async function deleteAggregate(db: Db, id: number): Promise<void> {
  await db.deleteFrom('aggregate_metadata').where('aggregate_id', '=', id).execute();
  await db.deleteFrom('aggregate_hosts').where('aggregate_id', '=', id).execute();
  await db.deleteFrom('aggregates').where('id', '=', id).execute();
}

export async function addHost(db: Db, id: number, host: string, at: string): Promise<void> {
  await db.insertInto('aggregate_hosts').values({ aggregate_id: id, host, added_at: at }).execute();
}

export async function removeHost(db: Db, id: number, host: string): Promise<void> {
  await db.deleteFrom('aggregate_hosts').where('aggregate_id', '=', id).where('host', '=', host).execute();
}

/** os-services delete: a host that is gone leaves every aggregate. */
export async function forgetHost(db: Db, host: string): Promise<void> {
  await db.deleteFrom('aggregate_hosts').where('host', '=', host).execute();
}

/** A registered host's resource provider; undefined when no host has the name (exactly). */
export async function hostProvider(db: Db, hostname: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('compute_hosts')
    .select('provider_id')
    .where('hostname', '=', hostname)
    .executeTakeFirst();
  return r?.provider_id;
}

/** The zone each named host's aggregates give it, with the aggregate's id. */
export async function zonedAggregatesOf(
  db: Db,
  hosts: ReadonlyArray<string>,
): Promise<Array<{ host: string; aggregateId: number; zone: string }>> {
  if (hosts.length === 0) return [];
  const rows = await db
    .selectFrom('aggregate_hosts as h')
    .innerJoin('aggregate_metadata as m', 'm.aggregate_id', 'h.aggregate_id')
    .select(['h.host', 'h.aggregate_id', 'm.value'])
    .where('m.key', '=', zoneKey)
    .where('h.host', 'in', hosts)
    .orderBy('h.aggregate_id')
    .execute();
  return rows.map((r) => ({ host: r.host, aggregateId: r.aggregate_id, zone: r.value }));
}

/**
 * Sets each named host's `availability_zone` to the zone its aggregates give it, else the
 * zone its agent registered. The scheduler, the zone list and servers all read that column.
 */
export async function refreshHostZones(db: Db, hosts: ReadonlyArray<string>): Promise<void> {
  if (hosts.length === 0) return;
  await db
    .updateTable('compute_hosts')
    .set((eb) => ({
      availability_zone: eb.fn.coalesce(
        eb
          .selectFrom('aggregate_hosts as h')
          .innerJoin('aggregate_metadata as m', 'm.aggregate_id', 'h.aggregate_id')
          .select('m.value')
          .where('m.key', '=', zoneKey)
          .whereRef('h.host', '=', 'compute_hosts.hostname')
          .orderBy('h.aggregate_id')
          .limit(1),
        eb.ref('compute_hosts.registered_zone'),
      ),
    }))
    .where('hostname', 'in', hosts)
    .execute();
}

/** Live servers on each named host. */
export async function serverCountOn(db: Db, hosts: ReadonlyArray<string>): Promise<number> {
  if (hosts.length === 0) return 0;
  const r = await db
    .selectFrom('servers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('host', 'in', hosts)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
