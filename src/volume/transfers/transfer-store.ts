import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { VolumeTransferTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A pending transfer of a volume to whichever project presents its auth key. */
export interface TransferRecord {
  readonly id: string;
  readonly volumeId: string;
  readonly sourceProjectId: string;
  readonly name: string | null;
  readonly salt: string;
  readonly cryptHash: string;
  readonly noSnapshots: boolean;
  readonly createdAt: string;
}

function toRecord(r: VolumeTransferTable): TransferRecord {
  return {
    id: r.id,
    volumeId: r.volume_id,
    sourceProjectId: r.source_project_id,
    name: r.name,
    salt: r.salt,
    cryptHash: r.crypt_hash,
    noSnapshots: r.no_snapshots === 1,
    createdAt: r.created_at,
  };
}

export async function insertTransfer(db: Db, t: TransferRecord): Promise<void> {
  await db
    .insertInto('volume_transfers')
    .values({
      id: t.id,
      volume_id: t.volumeId,
      source_project_id: t.sourceProjectId,
      name: t.name,
      salt: t.salt,
      crypt_hash: t.cryptHash,
      no_snapshots: t.noSnapshots ? 1 : 0,
      created_at: t.createdAt,
    })
    .execute();
}

export async function getTransfer(db: Db, id: string): Promise<TransferRecord | undefined> {
  const r = await db.selectFrom('volume_transfers').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export type TransferSortKey = 'created_at' | 'id' | 'name' | 'volume_id';

/** Transfers of one source project (undefined: all), in the given order (id breaks ties). */
export async function listTransfers(
  db: Db,
  projectId: string | undefined,
  sort: ReadonlyArray<{ readonly key: TransferSortKey; readonly dir: 'asc' | 'desc' }>,
): Promise<TransferRecord[]> {
  let q = db.selectFrom('volume_transfers').selectAll();
  if (projectId !== undefined) q = q.where('source_project_id', '=', projectId);
  for (const s of sort) q = q.orderBy(s.key, s.dir);
  if (!sort.some((s) => s.key === 'id')) q = q.orderBy('id', 'desc');
  return (await q.execute()).map(toRecord);
}

/** False when the transfer was already accepted or deleted. */
export async function deleteTransfer(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('volume_transfers').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
