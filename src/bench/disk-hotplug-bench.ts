import { workloadSpec } from '../agent/drivers/workload-spec-defaults.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { WorkloadDisk, WorkloadHandle, WorkloadSpec } from '../agent/drivers/driver.js';
import { createQemuDriver, type QemuDriver } from '../agent/drivers/qemu/qemu-driver.js';
import { volumeSerial } from '../agent/drivers/qemu/qemu-devices.js';
import { runCommand } from '../agent/host/command.js';
import { buildVmTestImage } from '../agent/test-images/vm-image.js';
import { testImageCacheDir } from '../agent/test-images/test-image-set.js';
import type { BenchMetric, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import { skippedResult } from './benchmark.js';
import { summarize } from './bench-stats.js';
import { kindMissing } from './workload-bench-setup.js';

const name = 'disk-hotplug';
const cycles = 20;
const volumeId = 'b3e1c0de-0000-4000-8000-00000000d15c';
const guestTimeoutMs = 60_000;

interface Cycle {
  /** attachDevice: blockdev-add + device_add over QMP, and the record written. */
  readonly attachMs: number;
  /** From the attach call until the guest prints block-add for the serial. */
  readonly guestSeesMs: number;
  /** detachDevice: device_del, the guest letting go, blockdev-del, the record written. */
  readonly detachMs: number;
}

function vmSpec(imagePath: string): WorkloadSpec {
  return workloadSpec({
    workloadId: 'bench-hotplug',
    name: 'bench-hotplug',
    hostname: 'bench-hotplug',
    kind: 'vm',
    image: {
      id: 'strata-test-vm',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      path: imagePath,
      properties: {},
    },
    projectId: 'bench',
    configDrive: true,
  });
}

/** Polls the console log until `text` occurs `n` times. */
async function consoleCount(driver: QemuDriver, h: WorkloadHandle, text: string, n: number): Promise<void> {
  const deadline = Date.now() + guestTimeoutMs;
  while ((await driver.consoleLog(h)).split(text).length - 1 < n) {
    if (Date.now() > deadline) throw new Error(`${name}: no ${n}x "${text}" on the console`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function cycle(driver: QemuDriver, h: WorkloadHandle, disk: WorkloadDisk, i: number): Promise<Cycle> {
  const t0 = performance.now();
  await driver.attachDevice(h, { kind: 'disk', disk }, AbortSignal.timeout(guestTimeoutMs));
  const attached = performance.now();
  await consoleCount(driver, h, `serial=${volumeSerial(volumeId)}`, i + 1);
  const seen = performance.now();
  await driver.detachDevice(h, { kind: 'disk', id: volumeId }, AbortSignal.timeout(guestTimeoutMs));
  return { attachMs: attached - t0, guestSeesMs: seen - t0, detachMs: performance.now() - seen };
}

async function measure(dir: string, progress: BenchProgress): Promise<BenchResult> {
  const image = await buildVmTestImage({ cacheDir: testImageCacheDir() });
  const driver = createQemuDriver({ stateDir: join(dir, 'state'), cacheDir: join(dir, 'cache') });
  const file = join(dir, 'volume.qcow2');
  await runCommand('qemu-img', ['create', '-f', 'qcow2', file, '64M']);
  const disk: WorkloadDisk = { volumeId, source: file, format: 'qcow2', readOnly: false };
  progress(`${name}: booting one VM`);
  const h = await driver.create(vmSpec(image.path), AbortSignal.timeout(120_000));
  try {
    await consoleCount(driver, h, 'STRATA-TEST-VM: ready', 1);
    const runs: Cycle[] = [];
    for (let i = 0; i < cycles; i++) {
      progress(`${name}: attach + detach ${i + 1} of ${cycles}`);
      runs.push(await cycle(driver, h, disk, i));
    }
    const accel = JSON.parse(await readFile(join(dir, 'state', h.workloadId, 'vm.json'), 'utf8')) as {
      accelerator: string;
    };
    return { name, metrics: metrics(runs, accel.accelerator) };
  } finally {
    await driver.destroy(h.workloadId, AbortSignal.timeout(60_000));
  }
}

function metrics(runs: ReadonlyArray<Cycle>, accel: string): BenchMetric[] {
  const of = (f: (c: Cycle) => number) => summarize(runs.map(f));
  const total = of((c) => c.guestSeesMs + c.detachMs);
  const tag = `n=${runs.length}, ${accel}`;
  return [
    { name: `attach (QMP + record) p50 (${tag})`, value: of((c) => c.attachMs).p50, unit: 'ms' },
    { name: `attach to guest block-add p50`, value: of((c) => c.guestSeesMs).p50, unit: 'ms' },
    { name: `detach (guest released, node deleted) p50`, value: of((c) => c.detachMs).p50, unit: 'ms' },
    { name: `attach + guest sees + detach p50`, value: total.p50, unit: 'ms' },
    { name: `attach + guest sees + detach max`, value: total.max, unit: 'ms' },
  ];
}

export const diskHotplugBench: Benchmark = {
  name,
  description:
    'a qcow2 volume hot-attached to and detached from one running QEMU VM, 20 times (driver level)',
  run: async (_opts, progress) => {
    const missing = kindMissing('vm');
    if (missing !== undefined) return skippedResult(name, missing);
    const dir = await mkdtemp(join(tmpdir(), 'strata-bench-hotplug-'));
    try {
      return await measure(dir, progress);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
