import { gzipSync } from 'node:zlib';
import type { BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import { timeSequential } from './bench-stats.js';
import { addBenchHosts, bigHost, bootServers, prepareCompute } from './compute-bench-setup.js';
import { seriesCount, workloadsTotal } from './metrics-exposition.js';

const name = 'metrics-scrape';

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchResult> {
  const servers = opts.metricsServers;
  const hosts = Math.ceil(servers / 2000);
  await addBenchHosts(c, hosts, bigHost, progress, name);
  await bootServers(c, await prepareCompute(c, servers), servers, progress, name);
  const call = { method: 'GET' as const, url: `${c.publicUrl}/metrics` };
  const first = await c.http.expect(200, call);
  const seen = workloadsTotal(first.body);
  if (seen !== servers) throw new Error(`${name}: /metrics counts ${seen} workloads, not ${servers}`);
  progress(`${name}: ${opts.scrapes} sequential GET /metrics (${servers} servers, ${hosts} fake hosts)`);
  const t = await timeSequential(opts.scrapes, 3, () => c.http.expect(200, call));
  const n = `n=${opts.scrapes}, ${servers} servers on ${hosts} fake hosts`;
  const metrics = [
    { name: `GET /metrics p50 (${n})`, value: t.p50, unit: 'ms' },
    { name: 'GET /metrics p99', value: t.p99, unit: 'ms' },
    {
      name: 'exposition size (as served, uncompressed)',
      value: Buffer.byteLength(first.body) / 1000,
      unit: 'KB',
    },
    {
      name: 'exposition size gzip-compressed (level 6)',
      value: gzipSync(first.body).length / 1000,
      unit: 'KB',
    },
  ] as const;
  return { name, metrics, notes: [`${seriesCount(first.body)} series in the exposition`] };
}

export const metricsScrapeBench: Benchmark = {
  name,
  description: 'GET /metrics (Prometheus text) time and size with --metrics-servers servers on fake hosts',
  run: (opts, progress) =>
    withBenchCloud(1, (c) => measure(c, opts, progress), {
      computeDriver: 'fake',
      fakeHosts: 0,
    }),
};
