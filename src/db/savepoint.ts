import { CompiledQuery } from 'kysely';
import type { Tx } from './db-handle.js';

interface SavepointSql {
  readonly save: CompiledQuery;
  readonly release: CompiledQuery;
  readonly rollback: CompiledQuery;
}

const byName = new Map<string, SavepointSql>();

/**
 * The three statements of a savepoint, kept per name: the same text on SQLite and
 * PostgreSQL, and a group commit runs one per write (building them each time through
 * Kysely cost more than SQLite running them).
 */
export function savepointSql(name: string): SavepointSql {
  let s = byName.get(name);
  if (s === undefined) {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`savepoint name '${name}' is not a plain identifier`);
    s = {
      save: CompiledQuery.raw(`savepoint "${name}"`),
      release: CompiledQuery.raw(`release savepoint "${name}"`),
      rollback: CompiledQuery.raw(`rollback to savepoint "${name}"`),
    };
    byName.set(name, s);
  }
  return s;
}

/**
 * Runs `work` inside a savepoint of the caller's transaction: when it throws, what it wrote
 * is rolled back and the transaction goes on (on PostgreSQL a failed statement would
 * otherwise abort the whole transaction). Nested savepoints may share a name.
 *
 * When the rollback itself fails (SQLite rolled the whole transaction back on its own, a
 * full disk), the work's error is the one thrown: it is the one that explains why.
 */
export async function withSavepoint<T>(tx: Tx, name: string, work: () => Promise<T>): Promise<T> {
  const s = savepointSql(name);
  await tx.executeQuery(s.save);
  try {
    const value = await work();
    await tx.executeQuery(s.release);
    return value;
  } catch (err) {
    await tx.executeQuery(s.rollback).catch(() => {
      throw err;
    });
    await tx.executeQuery(s.release);
    throw err;
  }
}
