/**
 * A Kubernetes-style work queue of keys: duplicates collapse while queued, a key is never
 * handed to two workers at once (a re-add while it runs is replayed after it finishes),
 * and failures back off exponentially per key.
 */
export class WorkQueue<K extends string = string> {
  readonly #queue: K[] = [];
  readonly #queued = new Set<K>();
  readonly #running = new Set<K>();
  readonly #dirty = new Set<K>();
  readonly #failures = new Map<K, number>();
  /** Keys waiting to be added, with when; one timer per key, the earliest wins. */
  readonly #timers = new Map<K, { readonly timer: NodeJS.Timeout; readonly at: number }>();
  #waiters: Array<() => void> = [];
  #closed = false;

  constructor(
    readonly baseDelayMs = 50,
    readonly maxDelayMs = 30_000,
  ) {}

  add(key: K): void {
    if (this.#closed) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#wake();
  }

  /** Adds the key after `delayMs`; while it waits, further calls only ever bring it forward. */
  addAfter(key: K, delayMs: number): void {
    if (this.#closed) return;
    const at = performance.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { timer, at });
  }

  /** Re-adds after a per-key exponential backoff. */
  addRateLimited(key: K): void {
    const n = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, n);
    this.addAfter(key, Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (n - 1)));
  }

  /** Clears the backoff of a key that succeeded. */
  forget(key: K): void {
    this.#failures.delete(key);
  }

  /** Waits for the next key; undefined once the queue is closed. */
  async take(): Promise<K | undefined> {
    while (!this.#closed) {
      const key = this.#queue.shift();
      if (key !== undefined) {
        this.#queued.delete(key);
        this.#running.add(key);
        return key;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return undefined;
  }

  /** Marks a key finished; a re-add that arrived meanwhile is queued now. */
  done(key: K): void {
    this.#running.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  get length(): number {
    return this.#queue.length;
  }

  close(): void {
    this.#closed = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#wake(true);
  }

  #wake(all = false): void {
    const waiters = all ? this.#waiters : this.#waiters.splice(0, 1);
    if (all) this.#waiters = [];
    for (const w of waiters) w();
  }
}
