import { performance } from 'node:perf_hooks';
import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { runPortClients } from './port-bench-clients.js';
import { preparePortNetwork } from './port-bench-setup.js';

const name = 'port-list';
const listTargetMs = 100;

/** One list: to the last byte of the response, and to the end of the client's JSON decode. */
interface ListTiming {
  readonly lastByteMs: number;
  readonly decodedMs: number;
}

/** Runs `op` `warmup` times untimed, then `n` times one after another. */
async function timeEach(n: number, warmup: number, op: () => Promise<ListTiming>) {
  for (let i = 0; i < warmup; i++) await op();
  const samples: ListTiming[] = [];
  for (let i = 0; i < n; i++) samples.push(await op());
  return {
    lastByte: summarize(samples.map((s) => s.lastByteMs)),
    decoded: summarize(samples.map((s) => s.decodedMs)),
  };
}

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchMetric[]> {
  const s = await preparePortNetwork(c, opts.ports);
  progress(`${name}: creating ${opts.ports} ports over HTTP (${opts.concurrency} clients)`);
  await runPortClients({ ...s, ports: opts.ports, clients: opts.concurrency });
  const headers = { 'x-auth-token': s.token };
  const list = (query: string, expected: number) => async (): Promise<ListTiming> => {
    const url = `${s.networkUrl}/ports${query}`;
    const t0 = performance.now();
    const reply = await c.http.expect(200, { method: 'GET', url, headers });
    const lastByteMs = performance.now() - t0;
    // The figure stops at the last byte: decoding megabytes of JSON is the client's work, not
    // the API's. Every reply is still decoded and counted, timed apart.
    const n = (JSON.parse(reply.body) as { ports: unknown[] }).ports.length;
    const decodedMs = performance.now() - t0;
    if (n !== expected) throw new Error(`${url} returned ${n} ports, not ${expected}`);
    return { lastByteMs, decodedMs };
  };
  progress(`${name}: ${opts.lists} sequential GET /v2.0/ports (${opts.ports} ports)`);
  const all = await timeEach(opts.lists, 3, list('', opts.ports));
  const page = await timeEach(opts.lists, 3, list('?limit=1000', Math.min(1000, opts.ports)));
  const n = `n=${opts.lists}, ${opts.ports} ports`;
  return [
    {
      name: `GET /v2.0/ports p50, to the last byte (${n})`,
      value: all.lastByte.p50,
      unit: 'ms',
      target: { text: `< ${listTargetMs} ms`, met: all.lastByte.p50 < listTargetMs },
    },
    { name: `GET /v2.0/ports p99, to the last byte (${n})`, value: all.lastByte.p99, unit: 'ms' },
    { name: `GET /v2.0/ports p50, with the client's JSON decode (${n})`, value: all.decoded.p50, unit: 'ms' },
    { name: `GET /v2.0/ports?limit=1000 p50, to the last byte (${n})`, value: page.lastByte.p50, unit: 'ms' },
  ];
}

export const portListBench: Benchmark = {
  name,
  description:
    "GET /v2.0/ports with --ports ports present (created through the API), to the last byte (and with the client's JSON decode)",
  run: (opts, progress) =>
    withBenchCloud(1, async (c) => ({ name, metrics: await measure(c, opts, progress) }), {
      computeDriver: 'fake',
      fakeHosts: 0,
    }),
};
