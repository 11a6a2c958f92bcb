import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import type { BootSample, WatchOptions } from './workload-boot-client.js';
import {
  bootAndDelete,
  bootConcurrently,
  bootFigures,
  wallTimeMetrics,
  WorkloadBootClient,
} from './workload-boot-client.js';
import { prepareWorkloads } from './workload-bench-setup.js';
import { runWorkloadBench } from './workload-bench-runner.js';

const name = 'container-boot';
const toActiveTargetMs = 300;
/** Polling is cheap next to a container start, but not free: it shares the cloud's event loop. */
const sequentialWatch: WatchOptions = { everyMs: 20, timeoutMs: 60_000 };
const concurrentWatch: WatchOptions = { everyMs: 50, timeoutMs: 180_000 };

interface ContainerRuns {
  readonly first: BootSample;
  readonly sequential: ReadonlyArray<BootSample & { readonly deleteMs: number }>;
  readonly concurrent: ReadonlyArray<BootSample>;
}

async function bootAll(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<ContainerRuns> {
  const n = opts.containerBoots;
  const client = new WorkloadBootClient(c, await prepareWorkloads(c, ['container'], n));
  progress(`${name}: first create (the image's layers are unpacked into the driver's cache)`);
  const first = await bootAndDelete(client, 'container', 'ct-first', sequentialWatch);
  progress(`${name}: ${n} sequential creates, each deleted before the next`);
  const sequential = [];
  for (let i = 0; i < n; i++)
    sequential.push(await bootAndDelete(client, 'container', `ct-seq-${i}`, sequentialWatch));
  progress(`${name}: ${n} creates at once`);
  const concurrent = await bootConcurrently(client, 'container', n, 'ct-conc', concurrentWatch);
  progress(`${name}: deleting the ${n} containers`);
  await client.removeAll();
  return { first, sequential, concurrent };
}

function containerMetrics(r: ContainerRuns, n: number): BenchMetric[] {
  const seq = bootFigures(r.sequential);
  const conc = bootFigures(r.concurrent);
  const deletes = summarize(r.sequential.map((x) => x.deleteMs));
  return [
    {
      name: 'first create (cold rootfs cache): create to ACTIVE',
      value: r.first.activeAt - r.first.sentAt,
      unit: 'ms',
    },
    {
      name: `sequential: create to ACTIVE p50 (n=${n})`,
      value: seq.toActive.p50,
      unit: 'ms',
      target: { text: `< ${toActiveTargetMs} ms`, met: seq.toActive.p50 < toActiveTargetMs },
    },
    { name: `sequential: create to ACTIVE p99 (n=${n})`, value: seq.toActive.p99, unit: 'ms' },
    { name: `sequential: create to console marker p50`, value: seq.toMarker.p50, unit: 'ms' },
    { name: `sequential: create to console marker p99`, value: seq.toMarker.p99, unit: 'ms' },
    { name: `sequential: DELETE to 404 p50`, value: deletes.p50, unit: 'ms' },
    { name: `concurrent: create to ACTIVE p50 (n=${n})`, value: conc.toActive.p50, unit: 'ms' },
    { name: `concurrent: create to ACTIVE p99 (n=${n})`, value: conc.toActive.p99, unit: 'ms' },
    { name: `concurrent: create to console marker p50`, value: conc.toMarker.p50, unit: 'ms' },
    ...wallTimeMetrics(conc),
  ];
}

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchResult> {
  const runs = await bootAll(c, opts, progress);
  return { name, metrics: containerMetrics(runs, opts.containerBoots) };
}

export const containerBootBench: Benchmark = {
  name,
  description:
    'runc containers from strata-test-container over HTTP: create to ACTIVE and to the console marker',
  run: (opts, progress) => runWorkloadBench(name, ['container'], progress, (c) => measure(c, opts, progress)),
};
