import { performance } from 'node:perf_hooks';
import type { StrataDb } from '../../db/database.js';
import type { IdentityDeps } from '../identity-deps.js';

interface Slot {
  /** Bumped by every local write; a load that straddles a bump is not kept. */
  generation: number;
  loaded?: { readonly at: number; readonly generation: number; readonly value: unknown };
  inflight?: { readonly generation: number; readonly promise: Promise<unknown> };
}

// Keyed by the database handle, so copies of a deps object share one cache and one invalidation.
const slots = new WeakMap<StrataDb, Slot>();

function slotOf(deps: IdentityDeps): Slot {
  let slot = slots.get(deps.store);
  if (slot === undefined) {
    slot = { generation: 0 };
    slots.set(deps.store, slot);
  }
  return slot;
}

/** Called after every region, service or endpoint write in this process; the next read reloads. */
export function invalidateCatalog(deps: IdentityDeps): void {
  const slot = slotOf(deps);
  slot.generation += 1;
  delete slot.loaded;
  delete slot.inflight;
}

/**
 * The cached value while it is younger than `ttlMs` (monotonic time, so a test clock cannot
 * pin it), else one shared load. Writes by other processes show within `ttlMs`.
 */
export function cachedCatalog<T>(deps: IdentityDeps, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const slot = slotOf(deps);
  const now = performance.now();
  if (
    slot.loaded !== undefined &&
    slot.loaded.generation === slot.generation &&
    now - slot.loaded.at < ttlMs
  ) {
    return Promise.resolve(slot.loaded.value as T);
  }
  if (slot.inflight !== undefined && slot.inflight.generation === slot.generation) {
    return slot.inflight.promise as Promise<T>;
  }
  const generation = slot.generation;
  const promise = load().then(
    (value) => {
      if (slot.generation === generation) slot.loaded = { at: now, generation, value };
      if (slot.inflight?.promise === promise) delete slot.inflight;
      return value;
    },
    (err: unknown) => {
      if (slot.inflight?.promise === promise) delete slot.inflight;
      throw err;
    },
  );
  slot.inflight = { generation, promise };
  return promise;
}
