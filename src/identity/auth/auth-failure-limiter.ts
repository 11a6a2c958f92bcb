import type { Clock } from '../../common/time.js';

const windowMs = 60_000;

/**
 * Counts failed token requests per source address over a fixed one-minute window. Past
 * `perMinute` failures the address is refused until its window ends, right password or not,
 * so guessing runs at `perMinute` tries a minute. Memory stays bounded: windows that have
 * ended are dropped as addresses are seen.
 */
export class AuthFailureLimiter {
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Seconds until `address` may try again, or 0 when it may try now. */
  retryAfterSec(address: string): number {
    if (this.perMinute <= 0) return 0;
    const w = this.#current(address);
    if (w === undefined || w.failures < this.perMinute) return 0;
    return Math.max(1, Math.ceil((w.start + windowMs - this.clock().getTime()) / 1000));
  }

  recordFailure(address: string): void {
    if (this.perMinute <= 0) return;
    const now = this.clock().getTime();
    const w = this.#current(address);
    if (w === undefined) {
      this.#sweep(now);
      this.#windows.set(address, { start: now, failures: 1 });
    } else w.failures++;
  }

  #current(address: string) {
    const w = this.#windows.get(address);
    if (w !== undefined && w.start + windowMs <= this.clock().getTime()) {
      this.#windows.delete(address);
      return undefined;
    }
    return w;
  }

  #sweep(now: number): void {
    if (this.#windows.size < 1024) return;
    for (const [a, w] of this.#windows) if (w.start + windowMs <= now) this.#windows.delete(a);
  }
}
