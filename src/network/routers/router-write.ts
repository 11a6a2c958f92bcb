import type { Db } from '../../db/db-handle.js';
import type { NetworkDeps } from '../network-deps.js';

/** Attempts at a write whose address a concurrent port create took first. */
const maxAttempts = 50;

/** Runs a write that allocates addresses, again when it loses an address race (unique key). */
export async function retryOnUnique<T>(deps: NetworkDeps, work: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.store.write(work);
    } catch (err) {
      if (!deps.store.traits.isUniqueViolation(err) || attempt >= maxAttempts) throw err;
    }
  }
}
