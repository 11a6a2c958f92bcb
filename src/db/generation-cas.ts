import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Tables whose rows carry `id`, a `generation` bumped on every write, and `updated_at`. */
export type GenerationTable = 'volumes' | 'volume_snapshots' | 'volume_backups';

/**
 * Compare-and-set on generation: applies `set` (and bumps the generation) only if nobody
 * changed the row since it was read at `generation`. False when someone else won.
 */
export async function updateIfGeneration<T extends GenerationTable>(
  db: Db,
  table: T,
  id: string,
  generation: number,
  set: Omit<Updateable<Database[T]>, 'id' | 'generation'>,
  now: string,
): Promise<boolean> {
  // Kysely cannot follow a generic table name through set/where; the signature keeps callers typed.
  const r = await (db as Kysely<Database>)
    .updateTable(table as 'volumes')
    .set({ ...(set as Updateable<Database['volumes']>), generation: generation + 1, updated_at: now })
    .where('id', '=', id)
    .where('generation', '=', generation)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes the row only if it is still at `generation`. */
export async function deleteIfGeneration(
  db: Db,
  table: GenerationTable,
  id: string,
  generation: number,
): Promise<boolean> {
  const r = await (db as Kysely<Database>)
    .deleteFrom(table as 'volumes')
    .where('id', '=', id)
    .where('generation', '=', generation)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
