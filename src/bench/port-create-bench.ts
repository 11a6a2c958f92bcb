import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { runPortClients } from './port-bench-clients.js';
import { preparePortNetwork } from './port-bench-setup.js';

const name = 'port-create';

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchMetric[]> {
  const s = await preparePortNetwork(c, opts.ports);
  progress(`${name}: ${opts.concurrency} clients create ${opts.ports} ports (POST /v2.0/ports)`);
  const r = await runPortClients({ ...s, ports: opts.ports, clients: opts.concurrency });
  const lat = summarize(r.latencyMs);
  const n = `${opts.ports} ports, ${opts.concurrency} clients`;
  return [
    { name: `POST /v2.0/ports p50 (${n})`, value: lat.p50, unit: 'ms' },
    { name: `POST /v2.0/ports p99 (${n})`, value: lat.p99, unit: 'ms' },
    {
      name: `ports/s, first POST to last 201 (${n})`,
      value: (r.latencyMs.length * 1000) / r.elapsedMs,
      unit: 'req/s',
    },
  ];
}

export const portCreateBench: Benchmark = {
  name,
  description: 'ports created over HTTP by concurrent clients on one network (Networking v2.0 API)',
  run: (opts, progress) =>
    withBenchCloud(1, async (c) => ({ name, metrics: await measure(c, opts, progress) }), {
      computeDriver: 'fake',
      fakeHosts: 0,
    }),
};
