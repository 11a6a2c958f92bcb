import { performance } from 'node:perf_hooks';
import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { volumeClient } from './volume-bench-setup.js';
import { hostAccelerator, prepareWorkloads } from './workload-bench-setup.js';
import { runWorkloadBench } from './workload-bench-runner.js';
import { WorkloadBootClient } from './workload-boot-client.js';

const name = 'volume-attach';
const watch = { everyMs: 100, timeoutMs: 120_000 };

interface Cycle {
  readonly attachMs: number;
  readonly detachMs: number;
}

/**
 * One cycle through Nova: POST os-volume_attachments until Cinder shows the volume in-use,
 * then DELETE until it is available again (the qemu driver's hot plug and unplug, with the
 * guest letting go, are inside both figures).
 */
async function cycle(
  c: BenchCloud,
  attachUrl: string,
  token: string,
  wait: (s: string) => Promise<void>,
  volumeId: string,
): Promise<Cycle> {
  const headers = { 'x-auth-token': token };
  const t0 = performance.now();
  await c.http.expect(200, {
    method: 'POST',
    url: attachUrl,
    headers,
    json: { volumeAttachment: { volumeId } },
  });
  await wait('in-use');
  const t1 = performance.now();
  await c.http.expect(202, { method: 'DELETE', url: `${attachUrl}/${volumeId}`, headers });
  await wait('available');
  return { attachMs: t1 - t0, detachMs: performance.now() - t1 };
}

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchResult> {
  const setup = await prepareWorkloads(c, ['vm'], 1);
  const servers = new WorkloadBootClient(c, setup);
  const volumes = await volumeClient(c, 4);
  progress(`${name}: booting one VM`);
  const { id, sentAt } = await servers.create('vm', 'bench-volume-attach');
  await servers.watch('vm', new Map([[id, sentAt]]), watch);
  while (!(await servers.consoleOutput(id, 200)).includes('STRATA-TEST-VM: ready'))
    await new Promise((r) => setTimeout(r, 200));
  const volume = await volumes.createAvailable({ size: 1, name: 'bench-attach' });
  const attachUrl = `${setup.computeUrl}/servers/${id}/os-volume_attachments`;
  const wait = (s: string) => volumes.waitFor(volume.id, s, 10);
  const runs: Cycle[] = [];
  for (let i = 0; i < opts.volumeOps; i++) {
    progress(`${name}: attach + detach ${i + 1} of ${opts.volumeOps}`);
    runs.push(await cycle(c, attachUrl, setup.token, wait, volume.id));
  }
  await volumes.remove(volume.id);
  const accel = (await hostAccelerator(c)).accelerator;
  return { name, metrics: metrics(runs, accel) };
}

function metrics(runs: ReadonlyArray<Cycle>, accel: string): BenchMetric[] {
  const a = summarize(runs.map((r) => r.attachMs));
  const d = summarize(runs.map((r) => r.detachMs));
  const tag = `n=${runs.length}, ${accel}`;
  return [
    { name: `attach: POST os-volume_attachments to in-use p50 (${tag})`, value: a.p50, unit: 'ms' },
    { name: `attach max`, value: a.max, unit: 'ms' },
    { name: `detach: DELETE to available p50`, value: d.p50, unit: 'ms' },
    { name: `detach max`, value: d.max, unit: 'ms' },
  ];
}

export const volumeAttachBench: Benchmark = {
  name,
  description:
    'a Cinder volume attached to and detached from a running QEMU VM through Nova, to in-use and back',
  run: (opts, progress) => runWorkloadBench(name, ['vm'], progress, (c) => measure(c, opts, progress)),
};
