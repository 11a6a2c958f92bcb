import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { QosSpecsTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export type QosConsumer = 'front-end' | 'back-end' | 'both';

/** A named set of QoS specs as the service reads it. */
export interface QosSpecsRecord {
  readonly id: string;
  readonly name: string;
  readonly consumer: QosConsumer;
  readonly specs: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

function toRecord(r: QosSpecsTable): QosSpecsRecord {
  return {
    id: r.id,
    name: r.name,
    consumer: r.consumer as QosConsumer,
    specs: JSON.parse(r.specs) as Record<string, string>,
    createdAt: r.created_at,
  };
}

export async function insertQosSpecs(db: Db, q: QosSpecsRecord): Promise<void> {
  await db
    .insertInto('qos_specs')
    .values({
      id: q.id,
      name: q.name,
      consumer: q.consumer,
      specs: JSON.stringify(q.specs),
      created_at: q.createdAt,
    })
    .execute();
}

export async function getQosSpecs(db: Db, id: string): Promise<QosSpecsRecord | undefined> {
  const r = await db.selectFrom('qos_specs').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export async function getQosSpecsByName(db: Db, name: string): Promise<QosSpecsRecord | undefined> {
  const r = await db.selectFrom('qos_specs').selectAll().where('name', '=', name).executeTakeFirst();
  return r && toRecord(r);
}

export async function listQosSpecs(db: Db): Promise<QosSpecsRecord[]> {
  return (await db.selectFrom('qos_specs').selectAll().orderBy('created_at').orderBy('id').execute()).map(
    toRecord,
  );
}

export async function setQosSpecs(
  db: Db,
  id: string,
  consumer: QosConsumer,
  specs: Readonly<Record<string, string>>,
): Promise<void> {
  await db
    .updateTable('qos_specs')
    .set({ consumer, specs: JSON.stringify(specs) })
    .where('id', '=', id)
    .execute();
}

export async function deleteQosSpecsRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('qos_specs').where('id', '=', id).execute();
}

/** The volume types associated with the specs. */
export async function typesOfQosSpecs(db: Db, id: string): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('volume_types')
    .select(['id', 'name'])
    .where('qos_specs_id', '=', id)
    .orderBy('name')
    .execute();
}

/** Points a type at the specs (or at none); `onlyIf` makes it a compare-and-set. */
export async function setTypeQosSpecs(
  db: Db,
  typeId: string,
  qosSpecsId: string | null,
  onlyIf?: string | null,
): Promise<boolean> {
  let q = db.updateTable('volume_types').set({ qos_specs_id: qosSpecsId }).where('id', '=', typeId);
  if (onlyIf !== undefined)
    q = onlyIf === null ? q.where('qos_specs_id', 'is', null) : q.where('qos_specs_id', '=', onlyIf);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function clearQosSpecsFromTypes(db: Db, id: string): Promise<void> {
  await db.updateTable('volume_types').set({ qos_specs_id: null }).where('qos_specs_id', '=', id).execute();
}
