import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import type { LatencySummary, LoadSummary } from './bench-stats.js';
import { runLoad, timeAlternating } from './bench-stats.js';
import { machineInfo } from './machine-info.js';

/** Below this share of issue time spent hashing, something else dominates and needs a look. */
const minHashShare = 0.8;

async function measureIssue(c: BenchCloud, opts: BenchOptions, progress: BenchProgress) {
  const hasher = c.cloud.identity.hasher;
  const stored = await hasher.hash('bench-password');
  progress(`token-issue: ${opts.issues} sequential issues over HTTP, each followed by one password verify`);
  const [sequential, verify] = await timeAlternating(
    opts.issues,
    3,
    () => c.issueAdminToken(),
    () => hasher.verify('bench-password', stored),
  );
  progress(`token-issue: ${opts.concurrency} clients for ${opts.durationSec} s`);
  const load = await runLoad(opts.concurrency, opts.durationSec * 1000, () => c.issueAdminToken());
  return { sequential, load, verify };
}

function issueMetrics(
  opts: BenchOptions,
  m: { sequential: LatencySummary; load: LoadSummary; verify: LatencySummary },
): BenchMetric[] {
  const share = m.verify.p50 / m.sequential.p50;
  const { cpus } = machineInfo();
  // The hasher lets two hashes run at once (its memory bound), and no more than the CPUs can.
  const ceiling = (Math.min(cpus, 2) * 1000) / m.verify.p50;
  const n = `n=${m.sequential.n}`;
  return [
    { name: `issue p50, sequential (${n})`, value: m.sequential.p50, unit: 'ms' },
    { name: `issue p99, sequential (${n})`, value: m.sequential.p99, unit: 'ms' },
    { name: `password verify p50, alternating with issues (${n})`, value: m.verify.p50, unit: 'ms' },
    {
      name: 'issue p50 minus verify p50 (non-hash work)',
      value: m.sequential.p50 - m.verify.p50,
      unit: 'ms',
    },
    {
      name: 'password verify share of issue p50',
      value: share * 100,
      unit: '%',
      target: { text: `>= ${minHashShare * 100}% (issue bounded by hash)`, met: share >= minHashShare },
    },
    {
      name: `issues/s, ${opts.concurrency} clients`,
      value: m.load.perSecond,
      unit: 'req/s',
      target: { text: `hash ceiling ~${Math.round(ceiling)}/s (${Math.min(cpus, 2)} at once)` },
    },
    { name: `issue p50 under load (${opts.concurrency} clients)`, value: m.load.latency.p50, unit: 'ms' },
  ];
}

export const tokenIssueBench: Benchmark = {
  name: 'token-issue',
  description: 'POST /v3/auth/tokens (password, project scope) over HTTP, against one password verify',
  run: (opts, progress) =>
    withBenchCloud(opts.concurrency, async (c) => ({
      name: 'token-issue',
      metrics: issueMetrics(opts, await measureIssue(c, opts, progress)),
    })),
};
