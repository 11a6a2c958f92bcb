import type { AllocationTable } from '../../db/tables/placement-tables.js';
import type { Db } from '../../db/db-handle.js';
import { insertRows } from '../../db/prepared-query.js';

export interface Consumer {
  readonly uuid: string;
  readonly projectId: string;
  readonly userId: string;
  readonly generation: number;
  readonly consumerType: string | null;
  readonly updatedAt: string;
}

export interface AllocationRow {
  readonly consumerId: string;
  readonly providerUuid: string;
  readonly resourceClass: string;
  readonly used: number;
}

export async function getConsumers(db: Db, uuids: ReadonlyArray<string>): Promise<Map<string, Consumer>> {
  if (uuids.length === 0) return new Map();
  const rows = await db.selectFrom('consumers').selectAll().where('uuid', 'in', uuids).execute();
  return new Map(
    rows.map((r) => [
      r.uuid,
      {
        uuid: r.uuid,
        projectId: r.project_id,
        userId: r.user_id,
        generation: Number(r.generation),
        consumerType: r.consumer_type,
        updatedAt: r.updated_at,
      },
    ]),
  );
}

export async function consumerAllocations(
  db: Db,
  consumers: ReadonlyArray<string>,
): Promise<AllocationRow[]> {
  if (consumers.length === 0) return [];
  const rows = await db
    .selectFrom('allocations')
    .selectAll()
    .where('consumer_id', 'in', consumers)
    .orderBy('provider_uuid')
    .orderBy('resource_class')
    .execute();
  return rows.map(toRow);
}

export async function providerAllocations(db: Db, provider: string): Promise<AllocationRow[]> {
  const rows = await db
    .selectFrom('allocations')
    .selectAll()
    .where('provider_uuid', '=', provider)
    .orderBy('consumer_id')
    .orderBy('resource_class')
    .execute();
  return rows.map(toRow);
}

export async function replaceAllocations(
  db: Db,
  consumers: ReadonlyArray<string>,
  rows: ReadonlyArray<AllocationRow>,
): Promise<void> {
  if (consumers.length > 0)
    await db.deleteFrom('allocations').where('consumer_id', 'in', consumers).execute();
  if (rows.length === 0) return;
  await db
    .insertInto('allocations')
    .values(
      rows.map((r) => ({
        consumer_id: r.consumerId,
        provider_uuid: r.providerUuid,
        resource_class: r.resourceClass,
        used: r.used,
      })),
    )
    .execute();
}

export async function insertConsumer(db: Db, c: Omit<Consumer, 'updatedAt'>, now: string): Promise<void> {
  await insertRows(db, 'consumers', [
    {
      uuid: c.uuid,
      project_id: c.projectId,
      user_id: c.userId,
      generation: c.generation,
      consumer_type: c.consumerType,
      created_at: now,
      updated_at: now,
    },
  ]);
}

/** Compare-and-set on the consumer generation (Placement 1.28). */
export async function updateConsumer(db: Db, c: Consumer, now: string): Promise<boolean> {
  const r = await db
    .updateTable('consumers')
    .set({
      project_id: c.projectId,
      user_id: c.userId,
      consumer_type: c.consumerType,
      generation: c.generation + 1,
      updated_at: now,
    })
    .where('uuid', '=', c.uuid)
    .where('generation', '=', c.generation)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes a consumer whose allocations are gone, if nobody bumped its generation meanwhile. */
export async function deleteConsumer(db: Db, c: Consumer): Promise<boolean> {
  const r = await db
    .deleteFrom('consumers')
    .where('uuid', '=', c.uuid)
    .where('generation', '=', c.generation)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

function toRow(r: Readonly<AllocationTable>): AllocationRow {
  return {
    consumerId: r.consumer_id,
    providerUuid: r.provider_uuid,
    resourceClass: r.resource_class,
    used: Number(r.used),
  };
}
