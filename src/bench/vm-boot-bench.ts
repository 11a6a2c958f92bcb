import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { vmAccelerators } from './qemu-bench-probe.js';
import type { BootSample, WatchOptions } from './workload-boot-client.js';
import {
  bootAndDelete,
  bootConcurrently,
  bootFigures,
  wallTimeMetrics,
  WorkloadBootClient,
} from './workload-boot-client.js';
import { hostAccelerator, prepareWorkloads } from './workload-bench-setup.js';
import { runWorkloadBench } from './workload-bench-runner.js';

const name = 'vm-boot';
/** A TCG boot takes 4-6 s alone; ten at once on two cores take several times that. */
const sequentialWatch: WatchOptions = { everyMs: 100, timeoutMs: 120_000 };
const concurrentWatch: WatchOptions = { everyMs: 200, timeoutMs: 300_000 };

interface VmRuns {
  readonly first: BootSample;
  readonly sequential: ReadonlyArray<BootSample & { readonly deleteMs: number }>;
  readonly concurrent: ReadonlyArray<BootSample>;
  /** Accelerators in the concurrent VMs' vm.json files. */
  readonly perVm: ReadonlyArray<string>;
}

async function bootAll(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<VmRuns> {
  const client = new WorkloadBootClient(c, await prepareWorkloads(c, ['vm'], opts.vmBoots));
  progress(`${name}: first boot (the base image is converted into the driver's cache)`);
  const first = await bootAndDelete(client, 'vm', 'vm-first', sequentialWatch);
  const sequential = [];
  for (let i = 0; i < opts.vmBoots; i++) {
    progress(`${name}: sequential boot ${i + 1} of ${opts.vmBoots}`);
    sequential.push(await bootAndDelete(client, 'vm', `vm-seq-${i}`, sequentialWatch));
  }
  progress(`${name}: ${opts.vmBoots} boots at once`);
  const concurrent = await bootConcurrently(client, 'vm', opts.vmBoots, 'vm-conc', concurrentWatch);
  const perVm = await vmAccelerators(
    c,
    concurrent.map((x) => x.id),
  );
  progress(`${name}: deleting the ${opts.vmBoots} VMs`);
  await client.removeAll();
  return { first, sequential, concurrent, perVm };
}

function vmMetrics(r: VmRuns, n: number, accel: string): BenchMetric[] {
  const seq = bootFigures(r.sequential);
  const conc = bootFigures(r.concurrent);
  const deletes = summarize(r.sequential.map((x) => x.deleteMs));
  const tag = `n=${n}, ${accel}`;
  return [
    {
      name: `first boot (cold image cache): create to ACTIVE`,
      value: r.first.activeAt - r.first.sentAt,
      unit: 'ms',
    },
    {
      name: `first boot (cold image cache): create to marker`,
      value: r.first.markerAt - r.first.sentAt,
      unit: 'ms',
    },
    { name: `sequential: create to ACTIVE p50 (${tag})`, value: seq.toActive.p50, unit: 'ms' },
    { name: `sequential: create to ACTIVE max`, value: seq.toActive.max, unit: 'ms' },
    { name: `sequential: create to console marker p50 (${tag})`, value: seq.toMarker.p50, unit: 'ms' },
    { name: `sequential: create to console marker max`, value: seq.toMarker.max, unit: 'ms' },
    { name: `sequential: DELETE to 404 p50`, value: deletes.p50, unit: 'ms' },
    { name: `concurrent: create to ACTIVE p50 (${tag})`, value: conc.toActive.p50, unit: 'ms' },
    { name: `concurrent: create to ACTIVE max`, value: conc.toActive.max, unit: 'ms' },
    { name: `concurrent: create to console marker p50 (${tag})`, value: conc.toMarker.p50, unit: 'ms' },
    { name: `concurrent: create to console marker max`, value: conc.toMarker.max, unit: 'ms' },
    ...wallTimeMetrics(conc),
  ];
}

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchResult> {
  const host = await hostAccelerator(c);
  progress(`${name}: QEMU ${host.qemuVersion}, accelerator ${host.accelerator} (${host.reason})`);
  const runs = await bootAll(c, opts, progress);
  return {
    name,
    metrics: vmMetrics(runs, opts.vmBoots, host.accelerator),
    notes: [
      `QEMU ${host.qemuVersion}, host accelerator ${host.accelerator} (${host.reason})`,
      `accelerator in the concurrent VMs' vm.json: ${runs.perVm.join(', ')}`,
    ],
  };
}

export const vmBootBench: Benchmark = {
  name,
  description: 'QEMU VMs from strata-test-vm (m1.tiny) over HTTP: create to ACTIVE and to the console marker',
  run: (opts, progress) => runWorkloadBench(name, ['vm'], progress, (c) => measure(c, opts, progress)),
};
