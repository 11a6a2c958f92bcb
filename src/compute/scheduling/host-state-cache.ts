import type { HostView } from '../../scheduler/host-view.js';
import { buildHostViews, withClaim } from '../../scheduler/host-views.js';
import type { Claim } from '../../scheduler/plan-applier.js';
import type { ComputeDeps } from '../compute-deps.js';
import { loadHostRecords } from './scheduling-inputs.js';

/** A reload costs two full reads (registry and placement): at most this often in a storm. */
const maxAgeMs = 2000;

/**
 * The scheduler's view of every host between passes, as Nova's host manager keeps one.
 * Placement stays the judge: a claim chosen on a stale view fails placement's
 * compare-and-set and goes round again on a fresh view, so the cache can cost a retry,
 * never an oversubscription. Claims this scheduler commits are folded in; anything else
 * (deletes, other writers, new hosts) shows up at the next reload.
 */
export class HostStateCache {
  #views: HostView[] = [];
  #index = new Map<string, number>();
  #loadedAt = -Infinity;

  constructor(
    private readonly deps: Pick<ComputeDeps, 'store' | 'placement' | 'clock' | 'serviceDownTimeSec'>,
  ) {}

  /** A private copy of the views (callers may replace entries) and whether it was just reloaded. */
  async views(): Promise<{ hosts: HostView[]; index: ReadonlyMap<string, number>; fresh: boolean }> {
    const fresh = performance.now() - this.#loadedAt > maxAgeMs;
    if (fresh) await this.#reload();
    return { hosts: [...this.#views], index: this.#index, fresh };
  }

  /** Adds what placement accepted to the cached usage. */
  noteCommitted(claims: ReadonlyArray<Claim>): void {
    for (const c of claims) {
      for (const a of c.allocations) {
        const i = this.#index.get(a.providerId);
        if (i !== undefined) this.#views[i] = withClaim(this.#views[i]!, a.resources);
      }
    }
  }

  /** The next views() reads the store again. */
  invalidate(): void {
    this.#loadedAt = -Infinity;
  }

  async #reload(): Promise<void> {
    const records = await loadHostRecords(this.deps);
    this.#views = buildHostViews(records, await this.deps.placement.snapshot());
    this.#index = new Map(this.#views.map((h, i) => [h.providerId, i]));
    this.#loadedAt = performance.now();
  }
}
