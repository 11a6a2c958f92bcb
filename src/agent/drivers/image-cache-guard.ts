/**
 * Keeps image cache entries (by absolute path) from being removed while a create takes
 * them. A create holds an entry from the moment it finds it until the workload that uses
 * it is on disk (where the cache manager's in-use scan sees it); an eviction marks the
 * entry first, then checks, so the two never miss each other: a hold taken before the mark
 * stops the eviction, one taken after waits for it (and finds the entry gone, or kept).
 * One guard per process, as several driver instances may share a cache directory.
 */
export class ImageCacheGuard {
  readonly #holders = new Map<string, number>();
  readonly #evicting = new Map<string, Promise<void>>();

  /** Holds `path` until the returned function is called (it may be called more than once). */
  async hold(path: string): Promise<() => void> {
    this.#holders.set(path, (this.#holders.get(path) ?? 0) + 1);
    await this.#evicting.get(path);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = (this.#holders.get(path) ?? 1) - 1;
      if (left > 0) this.#holders.set(path, left);
      else this.#holders.delete(path);
    };
  }

  /** Whether a create holds `path` now. */
  isHeld(path: string): boolean {
    return (this.#holders.get(path) ?? 0) > 0;
  }

  /**
   * Runs `remove` for `path` unless it is held, another eviction of it runs, or `inUse`
   * (read after the mark) says a workload uses it; true when removed.
   */
  async evict(path: string, inUse: () => Promise<boolean>, remove: () => Promise<void>): Promise<boolean> {
    if (this.isHeld(path) || this.#evicting.has(path)) return false;
    let finished!: () => void;
    this.#evicting.set(path, new Promise<void>((r) => (finished = r)));
    try {
      if (await inUse()) return false;
      // No await between this check and the start of `remove`: a hold now waits for it.
      if (this.isHeld(path)) return false;
      await remove();
      return true;
    } finally {
      this.#evicting.delete(path);
      finished();
    }
  }
}

/** The process's guard over every driver's image cache. */
export const imageCacheGuard = new ImageCacheGuard();
