/**
 * Runs operations on the same workload one at a time, in call order; other workloads run
 * freely (the agent's queue already avoids overlap, but a driver used directly should not
 * interleave a stop with a snapshot).
 */
export class WorkloadLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}
