import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import { skippedResult } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { qemuRss } from './qemu-bench-probe.js';
import { procMemory } from './strata-process.js';
import type { BootKind } from './workload-bench-setup.js';
import { kindMissing, prepareWorkloads } from './workload-bench-setup.js';
import { runWorkloadBench } from './workload-bench-runner.js';
import type { WatchOptions } from './workload-boot-client.js';
import { bootAndDelete, bootConcurrently, WorkloadBootClient } from './workload-boot-client.js';

const name = 'agent-memory';
/** Long enough for the agent's follow-up observations of new workloads to finish. */
const settleMs = 3_000;
const watch: Readonly<Record<BootKind, WatchOptions>> = {
  container: { everyMs: 100, timeoutMs: 120_000 },
  vm: { everyMs: 250, timeoutMs: 300_000 },
};

/** A full collection on demand, without --expose-gc on Node's command line. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

interface Reading {
  readonly rssMiB: number;
  /** V8 heap in use after a full collection: the JavaScript objects alone. */
  readonly heapMiB: number;
}

async function settled(gc: () => void): Promise<Reading> {
  await sleep(settleMs);
  gc();
  gc();
  return { rssMiB: procMemory(process.pid).rssMiB, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

/** Per-instance growth from `before` to `after` with `count` more instances of `label`. */
function perInstance(label: string, count: number, before: Reading, after: Reading): BenchMetric[] {
  return [
    { name: `RSS with ${count} ${label}${count === 1 ? '' : 's'} running`, value: after.rssMiB, unit: 'MiB' },
    {
      name: `process RSS per ${label} (delta / ${count})`,
      value: (after.rssMiB - before.rssMiB) / count,
      unit: 'MiB',
    },
    {
      name: `V8 heap per ${label} (delta / ${count})`,
      value: (after.heapMiB - before.heapMiB) / count,
      unit: 'MiB',
    },
  ];
}

interface Plan {
  readonly kinds: ReadonlyArray<BootKind>;
  readonly counts: Readonly<Record<BootKind, number>>;
}

async function measure(c: BenchCloud, plan: Plan, progress: BenchProgress): Promise<BenchMetric[]> {
  const gc = collector();
  const total = plan.kinds.reduce((n, k) => n + plan.counts[k], 0);
  const client = new WorkloadBootClient(c, await prepareWorkloads(c, plan.kinds, total));
  progress(`${name}: one warm-up boot per kind (code paths, image caches), deleted again`);
  for (const kind of plan.kinds) await bootAndDelete(client, kind, `warm-${kind}`, watch[kind]);
  const base = await settled(gc);
  const metrics: BenchMetric[] = [
    { name: 'RSS with 0 instances (after warm-up)', value: base.rssMiB, unit: 'MiB' },
  ];
  let before = base;
  for (const kind of plan.kinds) {
    const n = plan.counts[kind];
    progress(`${name}: starting ${n} ${kind === 'vm' ? 'VM' : 'container'}(s) at once`);
    const ids = (await bootConcurrently(client, kind, n, `mem-${kind}`, watch[kind])).map((x) => x.id);
    const after = await settled(gc);
    metrics.push(...perInstance(kind === 'vm' ? 'VM' : 'container', n, before, after));
    if (kind === 'vm') {
      const qemu = await qemuRss(c, ids);
      metrics.push({
        name: `qemu process RSS per VM (${qemu.found} processes)`,
        value: qemu.totalMiB / qemu.found,
        unit: 'MiB',
      });
    }
    before = after;
  }
  progress(`${name}: deleting every instance`);
  await client.removeAll();
  metrics.push({ name: 'RSS after deleting them all', value: (await settled(gc)).rssMiB, unit: 'MiB' });
  return metrics;
}

async function run(opts: BenchOptions, progress: BenchProgress): Promise<BenchResult> {
  const wanted: ReadonlyArray<BootKind> = ['container', 'vm'];
  const kinds = wanted.filter((k) => kindMissing(k) === undefined);
  const notes = wanted.filter((k) => !kinds.includes(k)).map((k) => `${k}s skipped: ${kindMissing(k)!}`);
  if (kinds.length === 0) return skippedResult(name, notes.join('; '));
  const plan = { kinds, counts: { container: opts.memoryContainers, vm: opts.memoryVms } };
  return runWorkloadBench(name, kinds, progress, async (c) => ({
    name,
    metrics: await measure(c, plan, progress),
    notes: [
      ...notes,
      'process = the cloud with its in-process agent; QEMU and the containers are separate processes',
    ],
  }));
}

export const agentMemoryBench: Benchmark = {
  name,
  description: 'RSS of the cloud + in-process agent with 0, then N containers and M VMs running',
  run,
};
