import { performance } from 'node:perf_hooks';
import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import { timeSequential } from './bench-stats.js';
import {
  addBenchHosts,
  bigHost,
  bootServers,
  prepareCompute,
  walkServerDetail,
} from './compute-bench-setup.js';

const name = 'server-list';
const pageTargetMs = 100;
const hosts = 10;

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchMetric[]> {
  if (hosts * 2000 < opts.servers) throw new Error(`${name}: at most ${hosts * 2000} servers`);
  await addBenchHosts(c, hosts, bigHost, progress, name);
  const s = await prepareCompute(c, opts.servers);
  await bootServers(c, s, opts.servers, progress, name);
  const headers = { 'x-auth-token': s.token };
  const page = (detail: boolean) => async () => {
    const url = `${s.computeUrl}/servers${detail ? '/detail' : ''}?limit=1000`;
    const reply = await c.http.expect(200, { method: 'GET', url, headers });
    const n = (JSON.parse(reply.body) as { servers: unknown[] }).servers.length;
    if (n !== Math.min(1000, opts.servers)) throw new Error(`${url} returned ${n} servers`);
  };
  progress(`${name}: ${opts.lists} sequential GET /servers/detail?limit=1000 (${opts.servers} servers)`);
  const detail = await timeSequential(opts.lists, 5, page(true));
  const summary = await timeSequential(opts.lists, 5, page(false));
  const t0 = performance.now();
  await walkServerDetail(c, s);
  const walkMs = performance.now() - t0;
  const n = `n=${opts.lists}, ${opts.servers} servers`;
  return [
    {
      name: `GET /servers/detail?limit=1000 p50 (${n})`,
      value: detail.p50,
      unit: 'ms',
      target: { text: `< ${pageTargetMs} ms`, met: detail.p50 < pageTargetMs },
    },
    { name: `GET /servers/detail?limit=1000 p99 (${n})`, value: detail.p99, unit: 'ms' },
    { name: `GET /servers?limit=1000 p50 (${n})`, value: summary.p50, unit: 'ms' },
    {
      name: `walk every page of /servers/detail (${Math.ceil(opts.servers / 1000)} pages)`,
      value: walkMs,
      unit: 'ms',
    },
  ];
}

export const serverListBench: Benchmark = {
  name,
  description: 'GET /servers/detail?limit=1000 with --servers servers present (booted through the API)',
  run: (opts, progress) =>
    withBenchCloud(1, async (c) => ({ name, metrics: await measure(c, opts, progress) }), {
      computeDriver: 'fake',
      fakeHosts: 0,
    }),
};
