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

/** How many addresses the pools hold. */
export function poolSize(pools: ReadonlyArray<IpRange>): bigint {
  return pools.reduce((n, p) => n + (p.end - p.start + 1n), 0n);
}

/**
 * `count` distinct addresses drawn at random from the pools, for large sparse pools where
 * reading every taken address would cost more than asking about a few candidates.
 */
export function randomCandidates(pools: ReadonlyArray<IpRange>, count: number): bigint[] {
  const size = poolSize(pools);
  const out = new Set<bigint>();
  for (let i = 0; i < count * 4 && out.size < count && BigInt(out.size) < size; i++) {
    let offset = randomBig(size);
    for (const p of pools) {
      const n = p.end - p.start + 1n;
      if (offset < n) {
        out.add(p.start + offset);
        break;
      }
      offset -= n;
    }
  }
  return [...out];
}

function randomBig(below: bigint): bigint {
  if (below <= BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(randomInt(Number(below > 0n ? below : 1n)));
  // Pools wider than 2^53 (IPv6): 64 random bits, reduced.
  const hi = BigInt(randomInt(2 ** 32));
  const lo = BigInt(randomInt(2 ** 32));
  return ((hi << 32n) | lo) % below;
}
