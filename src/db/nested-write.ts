import type { StrataDb } from './database.js';
import type { Tx } from './db-handle.js';
import { withSavepoint } from './savepoint.js';

/**
 * The store as seen from inside one open transaction: reads go through `tx`, and each
 * `write` runs in a savepoint of it instead of a transaction of its own. Code written for
 * its own write (a create that retries when a concurrent one took its address) then runs
 * unchanged as one step of a larger all-or-nothing write: a failed attempt rolls back to
 * its savepoint only (PostgreSQL would otherwise refuse every later statement), and
 * nothing commits until the outer transaction does.
 */
export function nestedStore(store: StrataDb, tx: Tx): StrataDb {
  return {
    ...store,
    db: tx,
    write: (work) => withSavepoint(tx, 'strata_nested', () => work(tx)),
  };
}
