import type { Database } from '../../db/schema.js';
import type { Db } from '../../db/db-handle.js';
import { prepareQuery } from '../../db/prepared-query.js';

export interface Provider {
  readonly uuid: string;
  readonly name: string;
  readonly generation: number;
  readonly parentUuid: string | null;
  readonly rootUuid: string;
  readonly updatedAt: string;
}

/** Filters the database can answer; `resources` is checked in memory by the service. */
export interface ProviderSqlFilter {
  readonly name?: string;
  readonly uuid?: string;
  readonly rootUuid?: string;
  /** Each inner list is one member_of parameter: the provider must be in one of its aggregates. */
  readonly memberOf?: ReadonlyArray<ReadonlyArray<string>>;
  readonly notMemberOf?: ReadonlyArray<string>;
  readonly requiredTraits?: ReadonlyArray<string>;
  readonly forbiddenTraits?: ReadonlyArray<string>;
  /** Each inner list is one `in:` group: the provider must have at least one of its traits. */
  readonly anyTraits?: ReadonlyArray<ReadonlyArray<string>>;
}

const columns = ['uuid', 'name', 'generation', 'parent_uuid', 'root_uuid', 'updated_at'] as const;

type Row = Pick<Database['resource_providers'], (typeof columns)[number]>;
const toProvider = (r: Readonly<Row>): Provider => ({
  uuid: r.uuid,
  name: r.name,
  generation: Number(r.generation),
  parentUuid: r.parent_uuid,
  rootUuid: r.root_uuid,
  updatedAt: r.updated_at,
});

export async function getProvider(db: Db, uuid: string): Promise<Provider | undefined> {
  const r = await providerByUuid.first(db, { uuid });
  return r && toProvider(r);
}

const providerByUuid = prepareQuery((db, p: { uuid: string }) =>
  db.selectFrom('resource_providers').select(columns).where('uuid', '=', p.uuid),
);

export async function getProviders(db: Db, uuids: ReadonlyArray<string>): Promise<Provider[]> {
  if (uuids.length === 0) return [];
  const rows = await db.selectFrom('resource_providers').select(columns).where('uuid', 'in', uuids).execute();
  return rows.map(toProvider);
}

export async function listProviders(db: Db, f: ProviderSqlFilter): Promise<Provider[]> {
  let q = db.selectFrom('resource_providers').select(columns).orderBy('created_at').orderBy('uuid');
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.uuid !== undefined) q = q.where('uuid', '=', f.uuid);
  if (f.rootUuid !== undefined) q = q.where('root_uuid', '=', f.rootUuid);
  for (const aggs of f.memberOf ?? []) {
    q = q.where('uuid', 'in', (eb) =>
      eb
        .selectFrom('resource_provider_aggregates')
        .select('provider_uuid')
        .where('aggregate_uuid', 'in', aggs),
    );
  }
  if (f.notMemberOf !== undefined && f.notMemberOf.length > 0) {
    const aggs = f.notMemberOf;
    q = q.where('uuid', 'not in', (eb) =>
      eb
        .selectFrom('resource_provider_aggregates')
        .select('provider_uuid')
        .where('aggregate_uuid', 'in', aggs),
    );
  }
  for (const t of f.requiredTraits ?? []) {
    q = q.where('uuid', 'in', (eb) =>
      eb.selectFrom('resource_provider_traits').select('provider_uuid').where('trait', '=', t),
    );
  }
  if (f.forbiddenTraits !== undefined && f.forbiddenTraits.length > 0) {
    const ts = f.forbiddenTraits;
    q = q.where('uuid', 'not in', (eb) =>
      eb.selectFrom('resource_provider_traits').select('provider_uuid').where('trait', 'in', ts),
    );
  }
  for (const ts of f.anyTraits ?? []) {
    q = q.where('uuid', 'in', (eb) =>
      eb.selectFrom('resource_provider_traits').select('provider_uuid').where('trait', 'in', ts),
    );
  }
  return (await q.execute()).map(toProvider);
}

export async function listTree(db: Db, rootUuid: string): Promise<Provider[]> {
  return (
    await db.selectFrom('resource_providers').select(columns).where('root_uuid', '=', rootUuid).execute()
  ).map(toProvider);
}

export async function insertProvider(db: Db, p: Omit<Provider, 'updatedAt'>, now: string): Promise<void> {
  await db
    .insertInto('resource_providers')
    .values({
      uuid: p.uuid,
      name: p.name,
      generation: p.generation,
      parent_uuid: p.parentUuid,
      root_uuid: p.rootUuid,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateProvider(
  db: Db,
  uuid: string,
  set: { readonly name: string; readonly parentUuid: string | null },
  now: string,
): Promise<void> {
  await db
    .updateTable('resource_providers')
    .set({ name: set.name, parent_uuid: set.parentUuid, updated_at: now })
    .where('uuid', '=', uuid)
    .execute();
}

export async function setRoot(db: Db, uuids: ReadonlyArray<string>, rootUuid: string): Promise<void> {
  if (uuids.length === 0) return;
  await db
    .updateTable('resource_providers')
    .set({ root_uuid: rootUuid })
    .where('uuid', 'in', uuids)
    .execute();
}

/**
 * The compare-and-set every write goes through: bumps the generation only if it is still
 * `expected`. On PostgreSQL a concurrent writer blocks on the row and then sees 0 rows.
 */
export async function casGeneration(db: Db, uuid: string, expected: number, now: string): Promise<boolean> {
  const r = await bumpGeneration.execute(db, { uuid, expected, now });
  return Number(r.numAffectedRows) === 1;
}

const bumpGeneration = prepareQuery((db, p: { uuid: string; expected: number; now: string }) =>
  db
    .updateTable('resource_providers')
    .set((eb) => ({ generation: eb('generation', '+', 1), updated_at: p.now }))
    .where('uuid', '=', p.uuid)
    .where('generation', '=', p.expected),
);

export async function countChildren(db: Db, uuid: string): Promise<number> {
  const r = await db
    .selectFrom('resource_providers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_uuid', '=', uuid)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function hasAllocations(db: Db, uuid: string): Promise<boolean> {
  const r = await db
    .selectFrom('allocations')
    .select('consumer_id')
    .where('provider_uuid', '=', uuid)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** Inventories, traits and aggregates go with the row (ON DELETE CASCADE). */
export async function deleteProvider(db: Db, uuid: string): Promise<void> {
  await db.deleteFrom('resource_providers').where('uuid', '=', uuid).execute();
}
