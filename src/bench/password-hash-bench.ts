import type { PasswordHasher } from '../identity/passwords/password-hash.js';
import type { Benchmark } from './benchmark.js';
import { withBenchCloud } from './bench-cloud.js';
import type { LatencySummary } from './bench-stats.js';
import { timeSequential } from './bench-stats.js';

export interface HasherCost {
  readonly hash: LatencySummary;
  readonly verify: LatencySummary;
}

/** Times `n` hashes and `n` verifies of one password, one at a time. */
export async function measureHasher(hasher: PasswordHasher, n: number): Promise<HasherCost> {
  const stored = await hasher.hash('bench-password');
  const hash = await timeSequential(n, 1, () => hasher.hash('bench-password'));
  const verify = await timeSequential(n, 1, () => hasher.verify('bench-password', stored));
  return { hash, verify };
}

const samples = 30;

/** Uses the hasher buildCloud makes from the default configuration (Argon2id, 19 MiB, 2 passes). */
export const passwordHashBench: Benchmark = {
  name: 'password-hash',
  description: 'raw cost of one Argon2id hash and one verify at the default cost, in-process',
  run: (_opts, progress) =>
    withBenchCloud(1, async ({ cloud }) => {
      progress(`password-hash: ${samples} hashes and ${samples} verifies`);
      const cost = await measureHasher(cloud.identity.hasher, samples);
      return {
        name: 'password-hash',
        metrics: [
          { name: `hash p50 (n=${samples})`, value: cost.hash.p50, unit: 'ms' },
          { name: `hash p99 (n=${samples})`, value: cost.hash.p99, unit: 'ms' },
          { name: `verify p50 (n=${samples})`, value: cost.verify.p50, unit: 'ms' },
          { name: `verify p99 (n=${samples})`, value: cost.verify.p99, unit: 'ms' },
        ],
      };
    }),
};
