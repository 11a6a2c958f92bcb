import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import {
  buildContainerTestImage,
  containerTestInit,
  containerTestMarker,
} from '../../test-images/container-image.js';
import type { ContainerTestImage } from '../../test-images/container-image.js';
import type { WorkloadHandle, WorkloadSpec } from '../driver.js';
import { execInContainer } from './testing/container-exec.js';
import { ociLayoutTarball } from './testing/image-fixtures.js';
import { openImageArchive } from './oci-image.js';
import { mountsUnder } from './rootfs.js';
import { cgroupPathOf } from './runc-bundle.js';
import { RuncDriver, createRuncDriver } from './runc-driver.js';
import { readAll, readTar } from './tar-reader.js';

const runnable = process.getuid?.() === 0 && hasCommand('runc') && existsSync('/bin/busybox');
const signal = new AbortController().signal;
const M = containerTestMarker;

describe.skipIf(!runnable)('runc driver (real containers)', () => {
  let base = '';
  let stateDir = '';
  let cacheDir = '';
  let image: ContainerTestImage;
  let driver: RuncDriver;
  let seq = 0;

  const newId = () => `strata-test-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  const specOf = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
    workloadId: newId(),
    name: 'test server',
    hostname: 'web-1',
    kind: 'container',
    vcpus: 1,
    memoryMb: 64,
    rootGb: 1,
    image: {
      id: 'busybox-test',
      diskFormat: 'raw',
      containerFormat: 'docker',
      path: image.path,
      properties: {},
    },
    projectId: 'p1',
    availabilityZone: 'nova',
    launchIndex: 0,
    userData: Buffer.from('#cloud-config\nhello: from user data\n').toString('base64'),
    metadata: {},
    keyName: null,
    keyData: null,
    configDrive: true,
    extraSpecs: {},
    nics: [],
    disks: [],
    ...over,
  });
  const runc = (...args: string[]) =>
    runCommand('runc', ['--root', join(stateDir, '.runc'), ...args], { timeoutMs: 20_000 });
  const exec = (id: string, script: string) => execInContainer(join(stateDir, '.runc'), id, script);
  const pidOf = async (id: string) => (JSON.parse((await runc('state', id)).stdout) as { pid: number }).pid;
  const waitForLog = async (h: WorkloadHandle, pattern: RegExp, count = 1) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const log = await driver.consoleLog(h);
      if ((log.match(new RegExp(pattern, 'g')) ?? []).length >= count) return log;
      if (Date.now() > deadline) throw new Error(`console log never matched ${pattern}:\n${log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'strata-runc-'));
    stateDir = join(base, 'state');
    cacheDir = join(base, 'cache');
    image = await buildContainerTestImage(join(base, 'images'));
    driver = new RuncDriver({ stateDir, cacheDir, gracefulStopMs: 5_000 });
  });

  afterEach(async () => {
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
  });

  afterAll(async () => {
    if (!base) return;
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
    const left = await mountsUnder(base);
    rmSync(base, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  // Timing is printed for a look; the figures that count are `npm run bench` (container-boot).
  it('creates a running container that prints its marker, hostname and user data (and times it)', async () => {
    const times: number[] = [];
    let h: WorkloadHandle | undefined;
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      h = await driver.create(specOf(), signal);
      expect((await driver.observe(h.workloadId))?.power).toBe('running');
      times.push(performance.now() - t0);
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    const p50 = warm[Math.floor(warm.length / 2)]!;
    console.log(
      `runc create→running: first (unpacks the image) ${times[0]!.toFixed(0)} ms; ` +
        `cached p50 ${p50.toFixed(0)} ms, max ${warm.at(-1)!.toFixed(0)} ms`,
    );
    const log = await waitForLog(h!, new RegExp(`${M}: user-data-end`));
    expect(log).toContain(`${M}: booted\n`);
    expect(log).toContain(`${M}: hostname=web-1\n`);
    expect(log).toContain(
      `${M}: user-data-begin\n#cloud-config\nhello: from user data\n${M}: user-data-end\n`,
    );
  });

  it('mounts the config drive read-only', async () => {
    const spec = specOf();
    const h = await driver.create(spec, signal);
    const meta = await exec(h.workloadId, 'cat /mnt/config/openstack/latest/meta_data.json');
    expect(JSON.parse(meta.stdout)).toMatchObject({ uuid: spec.workloadId, hostname: 'web-1' });
    await expect(exec(h.workloadId, 'touch /mnt/config/x')).rejects.toThrow(/Read-only file system/);
    await expect(exec(h.workloadId, 'echo x > /root/ok && cat /root/ok')).resolves.toMatchObject({
      stdout: 'x\n',
    });
  });

  // As root the dataplane's DHCP and router advertisements make /run/strata 0700 when they
  // come first; runc's unprivileged root must still get through to the bound root.
  it('starts a container whose roots dir lies under a private directory', async () => {
    const hidden = join(base, 'private');
    mkdirSync(hidden, { mode: 0o700 });
    const rootsDir = join(hidden, 'roots');
    const other = new RuncDriver({
      stateDir: join(base, 'state-2'),
      cacheDir,
      rootsDir,
      gracefulStopMs: 5_000,
    });
    const h = await other.create(specOf(), signal);
    try {
      expect((await other.observe(h.workloadId))?.power).toBe('running');
      expect(statSync(hidden).mode & 0o777).toBe(0o711);
    } finally {
      await other.destroy(h.workloadId, signal);
    }
  });

  it('is idempotent: a second create of the same id returns the running container', async () => {
    const spec = specOf();
    const h = await driver.create(spec, signal);
    const pid = await pidOf(h.workloadId);
    expect(await driver.create(spec, signal)).toEqual(h);
    expect(await pidOf(h.workloadId)).toBe(pid);
  });

  it('stops and starts again, keeping the writable layer', async () => {
    const h = await driver.create(specOf(), signal);
    await waitForLog(h, new RegExp(`${M}: user-data-end`));
    await exec(h.workloadId, 'echo kept > /root/file');
    const t0 = performance.now();
    await driver.stop(h, { timeoutMs: 5_000 }, signal);
    expect(performance.now() - t0).toBeLessThan(2_000); // SIGTERM, not the timeout
    expect(await driver.observe(h.workloadId)).toEqual({ workloadId: h.workloadId, power: 'shutdown' });
    await expect(runc('state', h.workloadId)).rejects.toThrow(/does not exist/);
    await driver.stop(h, { timeoutMs: 5_000 }, signal); // already off: resolves
    await driver.start(h, signal);
    expect((await driver.observe(h.workloadId))?.power).toBe('running');
    expect((await exec(h.workloadId, 'cat /root/file')).stdout).toBe('kept\n');
    await waitForLog(h, new RegExp(`${M}: booted`), 2);
  });

  it('reboots soft (SIGTERM to the guest) and hard (SIGKILL)', async () => {
    const h = await driver.create(specOf(), signal);
    await waitForLog(h, new RegExp(`${M}: user-data-end`));
    const pid0 = await pidOf(h.workloadId);
    await driver.reboot(h, false, signal);
    const pid1 = await pidOf(h.workloadId);
    expect(pid1).not.toBe(pid0);
    await waitForLog(h, new RegExp(`${M}: booted`), 2);
    expect(await driver.consoleLog(h)).toContain(`${M}: stopping`);
    await driver.reboot(h, true, signal);
    expect(await pidOf(h.workloadId)).not.toBe(pid1);
    const log = await waitForLog(h, new RegExp(`${M}: booted`), 3);
    expect(log.match(new RegExp(`${M}: stopping`, 'g'))).toHaveLength(1);
    expect((await driver.observe(h.workloadId))?.power).toBe('running');
  });

  it('pauses and unpauses through the cgroup freezer', async () => {
    const h = await driver.create(specOf(), signal);
    await driver.pause(h, signal);
    expect((await driver.observe(h.workloadId))?.power).toBe('paused');
    await driver.pause(h, signal);
    await driver.unpause(h, signal);
    expect((await driver.observe(h.workloadId))?.power).toBe('running');
    await expect(driver.suspend(h, signal)).rejects.toThrow(/not supported/);
  });

  it('destroys everything: container, cgroup, mounts, files; unknown ids resolve', async () => {
    const h = await driver.create(specOf(), signal);
    await driver.pause(h, signal); // even a frozen one
    const dir = join(stateDir, h.workloadId);
    expect(await mountsUnder(dir)).not.toEqual([]);
    await driver.destroy(h.workloadId, signal);
    expect(existsSync(dir)).toBe(false);
    expect(await mountsUnder(dir)).toEqual([]);
    await expect(runc('state', h.workloadId)).rejects.toThrow(/does not exist/);
    expect(existsSync(join('/sys/fs/cgroup/memory', cgroupPathOf(h.workloadId)))).toBe(false);
    expect(await driver.observe(h.workloadId)).toBeUndefined();
    await driver.destroy(h.workloadId, signal);
    await driver.destroy('never-existed', signal);
    await driver.destroy('../../etc', signal);
  });

  it('after an agent restart, a new driver re-attaches to the running container without a duplicate', async () => {
    const h = await driver.create(specOf(), signal);
    const pid = await pidOf(h.workloadId);
    // Not our child, not in our session: killing the agent does not take the container with it.
    const statOf = (p: number | 'self') => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const [, ppid, , sid] = statOf(pid);
    expect(Number(ppid)).not.toBe(process.pid);
    expect(sid).not.toBe(statOf('self')[3]);
    const restarted = createRuncDriver({ stateDir, cacheDir });
    expect((await restarted.observe(h.workloadId))?.power).toBe('running');
    await restarted.recover(h, 'running');
    await restarted.create(specOf({ workloadId: h.workloadId }), signal); // a replayed spawn
    expect(await pidOf(h.workloadId)).toBe(pid);
    const mine = (await restarted.list()).filter((w) => w.workloadId === h.workloadId);
    expect(mine).toEqual([{ workloadId: h.workloadId, power: 'running' }]);
    expect(
      JSON.parse((await runc('list', '--format', 'json')).stdout).filter(
        (c: { id: string }) => c.id === h.workloadId,
      ),
    ).toHaveLength(1);
  });

  it('observes a container killed from outside as shut down, with a reason, and can start it again', async () => {
    const h = await driver.create(specOf(), signal);
    process.kill(await pidOf(h.workloadId), 'SIGKILL');
    let seen = await driver.observe(h.workloadId);
    for (let i = 0; i < 100 && seen?.power === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await driver.observe(h.workloadId);
    }
    expect(seen?.power).toBe('shutdown');
    expect(seen?.reason).toMatch(/exited without a stop request/);
    await driver.start(h, signal);
    expect((await driver.observe(h.workloadId))?.power).toBe('running');
  });

  it('applies the flavor as cgroup limits', async () => {
    const h = await driver.create(specOf({ memoryMb: 96, vcpus: 2 }), signal);
    const cg = cgroupPathOf(h.workloadId);
    const v1 = join('/sys/fs/cgroup/memory', cg, 'memory.limit_in_bytes');
    if (existsSync(v1)) {
      expect(Number(readFileSync(v1, 'utf8'))).toBe(96 * 1024 * 1024);
      expect(readFileSync(join('/sys/fs/cgroup/cpu', cg, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('200000');
    } else {
      expect(Number(readFileSync(join('/sys/fs/cgroup', cg, 'memory.max'), 'utf8'))).toBe(96 * 1024 * 1024);
      expect(readFileSync(join('/sys/fs/cgroup', cg, 'cpu.max'), 'utf8').trim()).toBe('200000 100000');
    }
  });

  it('rejects a corrupt tarball with a clear error and leaves nothing behind', async () => {
    const data = readFileSync(image.path);
    const cut = join(base, 'cut.tar');
    writeFileSync(cut, data.subarray(0, Math.floor(data.length / 2)));
    const spec = specOf({ image: { ...specOf().image, id: 'cut', path: cut } });
    await expect(driver.create(spec, signal)).rejects.toThrow(/image tarball.*truncated/);
    expect(existsSync(join(stateDir, spec.workloadId))).toBe(false);
    await expect(runc('state', spec.workloadId)).rejects.toThrow(/does not exist/);
    const junk = join(base, 'junk.tar');
    writeFileSync(junk, Buffer.alloc(10_000, 0x41));
    await expect(
      driver.create(specOf({ image: { ...specOf().image, id: 'junk', path: junk } }), signal),
    ).rejects.toThrow(/not a readable image tarball/);
    expect(
      readdirSync(join(cacheDir, 'runc-rootfs')).filter((n) => n.startsWith('cut') || n.startsWith('junk')),
    ).toEqual([]);
  });

  it('rejects other container formats, naming them', async () => {
    const spec = specOf({ image: { ...specOf().image, containerFormat: 'bare' } });
    await expect(driver.create(spec, signal)).rejects.toThrow(/container_format bare/);
    const ova = specOf({ image: { ...specOf().image, containerFormat: 'ova' } });
    await expect(driver.create(ova, signal)).rejects.toThrow(/container_format ova/);
    expect(existsSync(join(stateDir, spec.workloadId))).toBe(false);
  });

  it('runs an OCI image-layout tarball (container_format docker, or bare + strata_workload=container)', async () => {
    const saved = await openImageArchive(image.path);
    const layer = await readAll(saved.openLayer(saved.layers[0]!));
    const oci = join(base, 'busybox-oci.tar');
    writeFileSync(oci, ociLayoutTarball([layer], [containerTestInit]));
    const h = await driver.create(
      specOf({ image: { ...specOf().image, id: 'busybox-oci', path: oci } }),
      signal,
    );
    await waitForLog(h, new RegExp(`${M}: user-data-end`));
    // The scheduler also sends bare images marked strata_workload=container to container hosts.
    const properties = { strata_workload: 'container' };
    const bare = { ...specOf().image, id: 'busybox-oci', containerFormat: 'bare', properties, path: oci };
    const h2 = await driver.create(specOf({ image: bare }), signal);
    expect((await driver.observe(h2.workloadId))?.power).toBe('running');
  });

  it('falls back to a copied rootfs where overlayfs is not wanted', async () => {
    const copying = new RuncDriver({ stateDir: join(base, 'copy-state'), cacheDir, rootfsMode: 'copy' });
    const h = await copying.create(specOf(), signal);
    try {
      // No root mount, only the shared volumes directory every container has and the sysfs
      // of its network namespace.
      expect((await mountsUnder(join(base, 'copy-state'))).sort()).toEqual([
        join(base, 'copy-state', h.workloadId, 'sys'),
        join(base, 'copy-state', h.workloadId, 'volumes'),
      ]);
      expect((await copying.probe(signal)).details['rootfs']).toBe('copy');
      await exec2(copying, h, 'echo hi > /root/x');
      await copying.stop(h, { timeoutMs: 2_000 }, signal);
      await copying.start(h, signal);
      await waitFor(async () => (await copying.consoleLog(h)).includes(`${M}: user-data-end`));
    } finally {
      await copying.destroy(h.workloadId, signal);
    }
    expect(readdirSync(join(base, 'copy-state')).filter((n) => !n.startsWith('.'))).toEqual([]);

    async function exec2(_d: RuncDriver, w: WorkloadHandle, script: string) {
      return execInContainer(join(base, 'copy-state', '.runc'), w.workloadId, script);
    }
  });

  it('snapshots the current filesystem as a docker save tarball that boots', async () => {
    const h = await driver.create(specOf(), signal);
    await exec(h.workloadId, 'echo snapshotted > /root/marker');
    const out = join(base, `snap-${h.workloadId}.tar`);
    await pipeline((await driver.snapshot(h, signal)) as Readable, createWriteStream(out));
    expect((await driver.observe(h.workloadId))?.power).toBe('running'); // thawed again
    const snap = await openImageArchive(out);
    expect(snap.format).toBe('docker-save');
    expect(snap.run.cmd).toEqual([containerTestInit]);
    const files = new Map<string, string>();
    for await (const e of readTar(snap.openLayer(snap.layers[0]!)))
      if (e.header.path === 'root/marker') files.set(e.header.path, (await readAll(e.body())).toString());
    expect(files.get('root/marker')).toBe('snapshotted\n');
    expect(readdirSync(join(stateDir, h.workloadId)).filter((n) => n.startsWith('snapshot-'))).toEqual([]);
    const h2 = await driver.create(specOf({ image: { ...specOf().image, id: 'snap', path: out } }), signal);
    expect((await exec(h2.workloadId, 'cat /root/marker')).stdout).toBe('snapshotted\n');
  });

  it('resizes (new limits, same writable layer), reverts and confirms; rebuilds from a fresh image', async () => {
    const h = await driver.create(specOf(), signal);
    await exec(h.workloadId, 'echo mine > /root/data');
    const limit = () =>
      Number(
        readFileSync(
          join('/sys/fs/cgroup/memory', cgroupPathOf(h.workloadId), 'memory.limit_in_bytes'),
          'utf8',
        ),
      );
    const v1 = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
    await driver.resize(h, specOf({ workloadId: h.workloadId, memoryMb: 128 }), signal);
    if (v1) expect(limit()).toBe(128 * 1024 * 1024);
    expect((await exec(h.workloadId, 'cat /root/data')).stdout).toBe('mine\n');
    await driver.revertResize(h, specOf({ workloadId: h.workloadId, memoryMb: 64 }), signal);
    if (v1) expect(limit()).toBe(64 * 1024 * 1024);
    await driver.resize(h, specOf({ workloadId: h.workloadId, memoryMb: 80 }), signal);
    await driver.confirmResize(h.workloadId, signal);
    const record = JSON.parse(readFileSync(join(stateDir, h.workloadId, 'workload.json'), 'utf8'));
    expect(record).toMatchObject({ memoryMb: 80 });
    expect(record.resizedFrom).toBeUndefined();
    await driver.confirmResize('unknown-id', signal);

    await driver.rebuild(h, specOf({ workloadId: h.workloadId, hostname: 'rebuilt' }), signal);
    expect((await driver.observe(h.workloadId))?.power).toBe('running');
    await expect(exec(h.workloadId, 'cat /root/data')).rejects.toThrow(/No such file/);
    await waitForLog(h, new RegExp(`${M}: hostname=rebuilt`));
  });

  it('keeps the console log bounded', async () => {
    const h = await driver.create(specOf(), signal);
    await exec(h.workloadId, 'yes 0123456789abcdef | head -n 200000 > /proc/1/fd/1');
    const tail = await driver.consoleLog(h, 3);
    expect(tail.split('\n').filter(Boolean)).toEqual(Array(3).fill('0123456789abcdef'));
    expect(statSync(join(stateDir, h.workloadId, 'console.log')).size).toBeLessThanOrEqual(1024 * 1024);
  });

  it('probes the host', async () => {
    const facts = await driver.probe(signal);
    expect(facts.vcpus).toBeGreaterThan(0);
    expect(facts.memoryMb).toBeGreaterThan(0);
    expect(facts.diskGb).toBeGreaterThan(0);
    expect(facts.traits).toContain('CUSTOM_STRATA_CONTAINER');
    expect(facts.traits).toContain('CUSTOM_STRATA_DRIVER_RUNC');
    expect(facts.traits.some((t) => t.startsWith('HW_ARCH_'))).toBe(true);
    expect(facts.details['runcVersion']).toMatch(/runc version/);
    expect(['overlay', 'copy']).toContain(facts.details['rootfs']);
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
