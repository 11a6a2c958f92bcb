import { sql } from 'kysely';
import type { Tx } from './db-handle.js';

/**
 * Runs `work` inside a savepoint of the caller's transaction: when it throws, what it wrote
 * is rolled back and the transaction goes on (on PostgreSQL a failed statement would
 * otherwise abort the whole transaction). Nested savepoints may share a name.
 */
export async function withSavepoint<T>(tx: Tx, name: string, work: () => Promise<T>): Promise<T> {
  const id = sql.id(name);
  await sql`savepoint ${id}`.execute(tx);
  try {
    const value = await work();
    await sql`release savepoint ${id}`.execute(tx);
    return value;
  } catch (err) {
    await sql`rollback to savepoint ${id}`.execute(tx);
    await sql`release savepoint ${id}`.execute(tx);
    throw err;
  }
}
