import { randomInt } from 'node:crypto';
import type { IpRange } from './ip-pools.js';

/**
 * Picks a free address from the pools: one at random among the first `window` free ones,
 * so concurrent creates on one subnet rarely pick the same address (the loser retries on
 * the primary key), while small pools still fill from the start. Undefined when full.
 */
export function pickFree(
  pools: ReadonlyArray<IpRange>,
  isTaken: (value: bigint) => boolean,
  window = 32,
): bigint | undefined {
  const free: bigint[] = [];
  for (const p of pools) {
    for (let v = p.start; v <= p.end && free.length < window; v++) if (!isTaken(v)) free.push(v);
    if (free.length >= window) break;
  }
  return free.length === 0 ? undefined : free[randomInt(free.length)];
}
