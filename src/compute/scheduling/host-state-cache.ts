import { BatchSelector } from '../../scheduler/batch-selector.js';
import { buildHostViews } from '../../scheduler/host-views.js';
import type { Pipeline } from '../../scheduler/pipeline.js';
import type { ComputeDeps } from '../compute-deps.js';
import { loadHostRecords } from './scheduling-inputs.js';

/** A reload costs two full reads (registry and placement): at most this often in a storm. */
const maxAgeMs = 2000;

export interface CachedHosts {
  readonly selector: BatchSelector;
  /** Provider uuid -> position in selector.hosts. */
  readonly index: ReadonlyMap<string, number>;
  /** Whether the views were just read from the store. */
  readonly fresh: boolean;
}

/**
 * The scheduler's view of every host between passes, as Nova's host manager keeps one,
 * with the selector's per-shape filter results. Passes claim into it as they choose.
 * Placement stays the judge: a claim chosen on a stale view fails placement's
 * compare-and-set, the caller invalidates, and the server goes round again on a fresh
 * view, so the cache can cost a retry, never an oversubscription. Deletes, other writers
 * and new hosts show up at the next reload.
 */
export class HostStateCache {
  #cached: Omit<CachedHosts, 'fresh'> | undefined;
  #loadedAt = -Infinity;

  constructor(
    private readonly deps: Pick<ComputeDeps, 'store' | 'placement' | 'clock' | 'serviceDownTimeSec'>,
    private readonly pipeline: Pipeline,
  ) {}

  async hosts(): Promise<CachedHosts> {
    if (this.#cached !== undefined && performance.now() - this.#loadedAt <= maxAgeMs)
      return { ...this.#cached, fresh: false };
    const records = await loadHostRecords(this.deps);
    const views = buildHostViews(records, await this.deps.placement.snapshot());
    this.#cached = {
      selector: new BatchSelector(views, this.pipeline),
      index: new Map(views.map((h, i) => [h.providerId, i])),
    };
    this.#loadedAt = performance.now();
    return { ...this.#cached, fresh: true };
  }

  /** The next hosts() reads the store again (claims were refused, or hosts changed). */
  invalidate(): void {
    this.#cached = undefined;
  }
}
