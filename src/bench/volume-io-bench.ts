import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { WorkloadDisk, WorkloadHandle } from '../agent/drivers/driver.js';
import { createQemuDriver, type QemuDriver } from '../agent/drivers/qemu/qemu-driver.js';
import { volumeSerial } from '../agent/drivers/qemu/qemu-devices.js';
import { workloadSpec } from '../agent/drivers/workload-spec-defaults.js';
import { hasCommand, runCommand } from '../agent/host/command.js';
import { buildVmTestImage } from '../agent/test-images/vm-image.js';
import { testImageCacheDir } from '../agent/test-images/test-image-set.js';
import { QemuStorageDaemon } from '../volume/exports/qemu-storage-daemon.js';
import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import { skippedResult } from './benchmark.js';
import { GuestShell } from './guest-shell.js';
import { kindMissing } from './workload-bench-setup.js';

const name = 'volume-io';
const guestTimeoutMs = 120_000;

/** One sequential pass: MiB moved and the wall time it took. */
interface Pass {
  readonly write: number;
  readonly read: number;
}
const mibPerSec = (mib: number, ms: number) => (mib * 1000) / ms;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `qemu-img bench` on the file itself (no guest, O_DIRECT, 1 MiB requests): the physical reference. */
async function hostPass(file: string, mib: number): Promise<Pass> {
  const one = async (write: boolean) => {
    const args = ['bench', '-f', 'qcow2', '-t', 'none', '-s', '1M', '-c', String(mib), '-d', '1'];
    const { stdout } = await runCommand('qemu-img', [...args, ...(write ? ['-w'] : []), file], {
      timeoutMs: guestTimeoutMs,
    });
    const secs = Number(/Run completed in ([\d.]+) seconds/.exec(stdout)?.[1]);
    if (!Number.isFinite(secs)) throw new Error(`${name}: qemu-img bench said: ${stdout}`);
    return mibPerSec(mib, secs * 1000);
  };
  const write = await one(true);
  return { write, read: await one(false) };
}

/** Waits for the guest's `block-add vdX serial=...` line for `volumeId`, the n-th time; returns vdX. */
async function guestDevice(
  driver: QemuDriver,
  h: WorkloadHandle,
  volumeId: string,
  n: number,
): Promise<string> {
  const re = new RegExp(`block-add (vd[a-z]+) serial=${volumeSerial(volumeId)}`, 'g');
  const deadline = Date.now() + guestTimeoutMs;
  for (;;) {
    const found = [...(await driver.consoleLog(h)).matchAll(re)];
    if (found.length >= n) return found[n - 1]![1]!;
    if (Date.now() > deadline) throw new Error(`${name}: the guest never saw volume ${volumeId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** dd inside the guest through virtio-blk, O_DIRECT both ways, 1 MiB blocks, the disk written first. */
async function guestPass(shell: GuestShell, dev: string, mib: number): Promise<Pass> {
  const w = await shell.run(
    `dd if=/dev/zero of=/dev/${dev} bs=1M count=${mib} oflag=direct 2>/dev/null`,
    guestTimeoutMs,
  );
  const r = await shell.run(
    `dd if=/dev/${dev} of=/dev/null bs=1M count=${mib} iflag=direct 2>/dev/null`,
    guestTimeoutMs,
  );
  return { write: mibPerSec(mib, w.ms), read: mibPerSec(mib, r.ms) };
}

/** Attaches `disk`, runs one guest pass, detaches. */
async function attachedPass(
  driver: QemuDriver,
  h: WorkloadHandle,
  shell: GuestShell,
  disk: WorkloadDisk,
  mib: number,
): Promise<Pass> {
  await driver.attachDevice(h, { kind: 'disk', disk }, AbortSignal.timeout(guestTimeoutMs));
  try {
    const dev = await guestDevice(driver, h, disk.volumeId, 1);
    return await guestPass(shell, dev, mib);
  } finally {
    await driver.detachDevice(h, { kind: 'disk', id: disk.volumeId }, AbortSignal.timeout(guestTimeoutMs));
  }
}

interface Runs {
  readonly host: Pass;
  readonly local: Pass;
  readonly nbd: Pass;
  readonly accel: string;
}

async function measure(dir: string, mib: number, progress: BenchProgress): Promise<Runs> {
  const image = await buildVmTestImage({ cacheDir: testImageCacheDir() });
  const driver = createQemuDriver({ stateDir: join(dir, 'state'), cacheDir: join(dir, 'cache') });
  const tag = randomBytes(4).toString('hex');
  const localFile = join(dir, 'local.qcow2');
  const nbdFile = join(dir, 'nbd.qcow2');
  for (const f of [localFile, nbdFile])
    await runCommand('qemu-img', ['create', '-f', 'qcow2', f, `${mib + 16}M`]);
  progress(`${name}: qemu-img bench on the file (${mib} MiB each way)`);
  const host = await hostPass(localFile, mib);
  const daemon = new QemuStorageDaemon(join(dir, 'qsd'), { host: '127.0.0.1', port: await freePort() });
  progress(`${name}: booting one VM`);
  const spec = workloadSpec({
    workloadId: `bench-volio-${tag}`,
    kind: 'vm',
    image: {
      id: 'strata-test-vm',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      path: image.path,
      properties: {},
    },
  });
  const h = await driver.create(spec, AbortSignal.timeout(guestTimeoutMs));
  try {
    await waitReady(driver, h);
    const shell = new GuestShell(await driver.serialConsole(h));
    try {
      // The guest sees a volume by its serial, the id's first 20 characters: the ids differ there.
      progress(`${name}: dd in the guest, local qcow2 file`);
      const local = await attachedPass(
        driver,
        h,
        shell,
        disk(`${tag}a001-0000-4000-8000-000000000000`, localFile),
        mib,
      );
      const nbdVolume = `${tag}a002-0000-4000-8000-000000000000`;
      await daemon.sync([{ name: `bench-${tag}`, volumeId: nbdVolume, path: nbdFile, readOnly: false }]);
      progress(`${name}: dd in the guest, NBD export of qemu-storage-daemon`);
      const uri = `nbd://127.0.0.1:${daemon.address.port}/bench-${tag}`;
      const nbd = await attachedPass(
        driver,
        h,
        shell,
        { volumeId: nbdVolume, source: uri, format: 'raw', readOnly: false },
        mib,
      );
      const record = JSON.parse(await readFile(join(dir, 'state', h.workloadId, 'vm.json'), 'utf8')) as {
        accelerator: string;
      };
      return { host, local, nbd, accel: record.accelerator };
    } finally {
      shell.close();
    }
  } finally {
    await driver.destroy(h.workloadId, AbortSignal.timeout(60_000));
    await daemon.stop();
  }
}

const disk = (volumeId: string, source: string): WorkloadDisk => ({
  volumeId,
  source,
  format: 'qcow2',
  readOnly: false,
});

async function waitReady(driver: QemuDriver, h: WorkloadHandle): Promise<void> {
  const t0 = performance.now();
  while (!(await driver.consoleLog(h)).includes('STRATA-TEST-VM: ready')) {
    if (performance.now() - t0 > guestTimeoutMs) throw new Error(`${name}: the VM never got ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function metrics(r: Runs, mib: number): BenchMetric[] {
  const rows: Array<[string, Pass]> = [
    [`qemu-img bench on the file (host, ${mib} MiB, O_DIRECT)`, r.host],
    [`guest dd, virtio-blk on a local qcow2 (${r.accel})`, r.local],
    [`guest dd, virtio-blk over NBD (qemu-storage-daemon)`, r.nbd],
  ];
  return rows.flatMap(([label, p]) => [
    { name: `${label}: write`, value: p.write, unit: 'MiB/s' as const },
    { name: `${label}: read`, value: p.read, unit: 'MiB/s' as const },
  ]);
}

export const volumeIoBench: Benchmark = {
  name,
  description:
    'sequential write/read MiB/s: qemu-img bench on a qcow2 file, then dd in a QEMU guest on it, local and over NBD',
  run: async (opts: BenchOptions, progress) => {
    const missing =
      kindMissing('vm') ?? (hasCommand('qemu-storage-daemon') ? undefined : 'no qemu-storage-daemon');
    if (missing !== undefined) return skippedResult(name, missing);
    const dir = await mkdtemp(join(tmpdir(), 'strata-bench-volio-'));
    try {
      return { name, metrics: metrics(await measure(dir, opts.volumeIoMib, progress), opts.volumeIoMib) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
