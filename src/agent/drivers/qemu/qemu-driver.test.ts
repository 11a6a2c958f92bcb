import { pidsMentioning } from './testing/process-scan.js';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { findHostKernel } from '../../test-images/kernel-modules.js';
import { buildVmTestImage, type VmTestImage } from '../../test-images/vm-image.js';
import type { WorkloadHandle, WorkloadSpec } from '../driver.js';
import { createQemuDriver, type QemuDriver } from './qemu-driver.js';
import { imageInfo } from './qemu-image.js';
import type { QemuHandleState } from './qemu-runtime.js';
import { workloadPaths } from './qemu-workload.js';

const tools = ['qemu-system-x86_64', 'qemu-img', 'xorriso', 'mkfs.vfat', 'mcopy', 'syslinux'];
const canBoot =
  process.getuid?.() === 0 &&
  tools.every((t) => hasCommand(t)) &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;

const GiB = 1024 ** 3;
const signal = new AbortController().signal;
const marker = (what: string) => `STRATA-TEST-VM: ${what}`;

// Each test leaves the shared VM running for the next: boots are the expensive part (TCG).
describe.skipIf(!canBoot)('qemu driver (boots the VM test image)', () => {
  let root = '';
  let stateDir = '';
  let driver: QemuDriver;
  let image: VmTestImage;
  let h: WorkloadHandle;

  const spec = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
    workloadId: '6f1c2a8e-0000-4000-8000-00000000a001',
    name: 'vm one',
    hostname: 'vm-one',
    kind: 'vm',
    vcpus: 1,
    memoryMb: 256,
    rootGb: 1,
    image: {
      id: 'test-image',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      path: image.path,
      properties: {},
    },
    projectId: 'p1',
    availabilityZone: 'nova',
    launchIndex: 0,
    userData: Buffer.from('#cloud-config\nhello: from strata\n').toString('base64'),
    metadata: {},
    keyName: null,
    keyData: null,
    configDrive: false,
    extraSpecs: {},
    nics: [],
    disks: [],
    ...over,
  });

  const paths = (id = spec().workloadId) => workloadPaths(stateDir, id);
  // The guest's tty writes CRLF.
  const log = async (handle: WorkloadHandle = h) =>
    (await driver.consoleLog(handle)).replaceAll('\r\n', '\n');
  const count = async (what: string, handle: WorkloadHandle = h) =>
    (await log(handle)).split(marker(what)).length - 1;

  /** Waits until the console shows `what` at least `n` times. */
  async function waitFor(what: string, n: number, handle: WorkloadHandle = h, timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    while ((await count(what, handle)) < n) {
      if (Date.now() > deadline)
        throw new Error(`no ${n}x "${what}" within ${timeoutMs} ms:\n${await log(handle)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function power(id = spec().workloadId) {
    return (await driver.observe(id))?.power;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-qemu-'));
    stateDir = join(root, 'state');
    image = await buildVmTestImage({ cacheDir: join(root, 'images') });
    driver = createQemuDriver({ stateDir, cacheDir: join(root, 'cache') }, { gracefulTimeoutMs: 30_000 });
  });

  afterAll(async () => {
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
    // Whatever a failed test left: no QEMU of ours may outlive the suite.
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a disk format it cannot boot, naming it, and leaves nothing behind', async () => {
    const bad = spec({ image: { ...spec().image, diskFormat: 'vmdk' } });
    await expect(driver.create(bad, signal)).rejects.toThrow(/unsupported disk format "vmdk"/);
    expect(existsSync(paths().dir)).toBe(false);
  });

  it("fails create on a corrupt image with qemu-img's reason and leaves nothing behind", async () => {
    const garbage = join(root, 'garbage.qcow2');
    writeFileSync(garbage, Buffer.alloc(4096, 0x5a));
    const bad = spec({ image: { ...spec().image, id: 'garbage', path: garbage } });
    await expect(driver.create(bad, signal)).rejects.toThrow(/image garbage is unreadable: .*qcow2/i);
    const truncated = join(root, 'truncated.qcow2');
    writeFileSync(truncated, readFileSync(image.path).subarray(0, 1024 * 1024));
    const cut = spec({ image: { ...spec().image, id: 'truncated', path: truncated } });
    await expect(driver.create(cut, signal)).rejects.toThrow(/image truncated is corrupt: .*ERROR/);
    expect(existsSync(paths().dir)).toBe(false);
    expect(pidsMentioning(paths().dir)).toEqual([]);
    const cached = existsSync(join(root, 'cache', 'qemu-base'))
      ? readdirSync(join(root, 'cache', 'qemu-base'))
      : [];
    expect(cached).toEqual([]);
  });

  it('creates a VM that boots and reads its config drive: marker, hostname, user data', async () => {
    const started = Date.now();
    h = await driver.create(spec(), signal);
    await waitFor('ready', 1);
    console.log(`qemu driver: create to guest ready in ${Date.now() - started} ms`);
    const text = await log();
    expect(text).toContain(marker('booted'));
    expect(text).toContain(marker('hostname=vm-one'));
    expect(text).not.toMatch(/insmod .* failed/);
    expect(text).toContain(
      `${marker('user-data-begin')}\n#cloud-config\nhello: from strata\n${marker('user-data-end')}`,
    );
    const state = h.state as QemuHandleState;
    expect(['kvm', 'tcg']).toContain(state.accelerator);
    expect(state.pid).toBeGreaterThan(1);
    // Daemonized into its own session: QEMU outlives the agent process.
    const [, ppid, , session] = readFileSync(`/proc/${state.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const [, , , ownSession] = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    expect(Number(ppid)).not.toBe(process.pid);
    expect(session).not.toBe(ownSession);
    expect(await driver.observe(h.workloadId)).toEqual({ workloadId: h.workloadId, power: 'running' });
    expect((await driver.list()).map((w) => w.workloadId)).toEqual([h.workloadId]);
    expect(await driver.consoleLog(h, 1)).toMatch(/^[^\n]*\n?$/);
  });

  it('create is idempotent: the same id returns the running VM', async () => {
    const again = await driver.create(spec(), signal);
    expect((again.state as QemuHandleState).pid).toBe((h.state as QemuHandleState).pid);
    expect(pidsMentioning(paths().pidfile)).toHaveLength(1);
  });

  it('a new driver instance (agent restart) re-attaches without starting a duplicate', async () => {
    const restarted = createQemuDriver({ stateDir, cacheDir: join(root, 'cache') });
    await restarted.recover(h, 'running');
    expect(await restarted.observe(h.workloadId)).toEqual({ workloadId: h.workloadId, power: 'running' });
    const again = await restarted.create(spec(), signal);
    expect((again.state as QemuHandleState).pid).toBe((h.state as QemuHandleState).pid);
    expect(pidsMentioning(paths().pidfile)).toHaveLength(1);
  });

  it('pauses and unpauses', async () => {
    await driver.pause(h, signal);
    expect(await power()).toBe('paused');
    await driver.unpause(h, signal);
    expect(await power()).toBe('running');
  });

  it('trigger crash dump sends an NMI the guest kernel reports; the VM keeps running', async () => {
    expect(await log()).not.toContain('NMI received');
    await driver.triggerCrashDump(h, signal);
    const until = Date.now() + 10_000;
    while (!(await log()).includes('NMI received') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(await log()).toMatch(/Uhhuh\. NMI received for unknown reason/);
    expect(await power()).toBe('running');
  });

  it('hard reboot resets the VM, which boots again', async () => {
    const booted = await count('booted');
    await driver.reboot(h, true, signal);
    await waitFor('ready', booted + 1);
    expect(await count('booted')).toBe(booted + 1);
    expect(await power()).toBe('running');
  });

  it('suspend saves the VM to its dir and ends QEMU; resume continues the same boot', async () => {
    const booted = await count('booted');
    await driver.suspend(h, signal);
    expect(await power()).toBe('suspended');
    expect(existsSync(paths().savedState)).toBe(true);
    expect(pidsMentioning(paths().pidfile)).toEqual([]);
    await driver.resume(h, signal);
    expect(await power()).toBe('running');
    expect(existsSync(paths().savedState)).toBe(false);
    expect(await count('booted')).toBe(booted);
  });

  it('soft reboot powers the guest off through ACPI, then it boots again', async () => {
    const booted = await count('booted');
    const acpi = await count('acpi-poweroff');
    await driver.reboot(h, false, signal);
    await waitFor('ready', booted + 1);
    expect(await count('acpi-poweroff')).toBe(acpi + 1);
    expect(await power()).toBe('running');
  });

  it('stop leaves no QEMU process; start boots the VM again', async () => {
    const booted = await count('booted');
    const acpi = await count('acpi-poweroff');
    await driver.stop(h, { timeoutMs: 30_000 }, signal);
    expect(await count('acpi-poweroff')).toBe(acpi + 1);
    expect(await driver.observe(h.workloadId)).toEqual({ workloadId: h.workloadId, power: 'shutdown' });
    expect(pidsMentioning(paths().pidfile)).toEqual([]);
    expect(existsSync(paths().qmp)).toBe(false);
    await driver.stop(h, { timeoutMs: 1_000 }, signal);
    await driver.start(h, signal);
    await waitFor('ready', booted + 1);
    expect(await power()).toBe('running');
  });

  it('snapshot gives a qcow2 of the root disk that boots, and the VM keeps running', async () => {
    const file = join(root, 'snapshot.qcow2');
    await pipeline((await driver.snapshot(h, signal)) as NodeJS.ReadableStream, createWriteStream(file));
    expect(await power()).toBe('running');
    expect(existsSync(paths().snapshotTemp)).toBe(false);
    const info = await imageInfo(file);
    expect(info).toMatchObject({ format: 'qcow2', virtualSize: GiB });
    expect(info.backingFilename).toBeUndefined();
    const id = '6f1c2a8e-0000-4000-8000-00000000a002';
    const snap = spec({
      workloadId: id,
      hostname: 'from-snapshot',
      image: { ...spec().image, id: 'snap', path: file },
    });
    const h2 = await driver.create(snap, signal);
    await waitFor('ready', 1, h2);
    expect(await log(h2)).toContain(marker('hostname=from-snapshot'));
    // A guest that does not power off in time is forced off.
    await driver.stop(h2, { timeoutMs: 0 }, signal);
    expect(await driver.observe(id)).toEqual({ workloadId: id, power: 'shutdown' });
    expect(await log(h2)).toContain('did not power off within 0 ms; forcing');
    expect(pidsMentioning(paths(id).pidfile)).toEqual([]);
    await driver.destroy(id, signal);
  });

  it('resize restarts with the new size and keeps the old disk until confirmed', async () => {
    const booted = await count('booted');
    h = await driver.resize(h, spec({ vcpus: 2, memoryMb: 320, rootGb: 2 }), signal);
    await waitFor('ready', booted + 1);
    expect((await imageInfo(paths().disk, 'qcow2', true)).virtualSize).toBe(2 * GiB);
    expect(h.state).toMatchObject({ vcpus: 2, memoryMb: 320, rootGb: 2 });
    const argv = readFileSync(`/proc/${(h.state as QemuHandleState).pid}/cmdline`, 'utf8').split('\0');
    expect(argv[argv.indexOf('-smp') + 1]).toBe('2');
    expect(existsSync(paths().keptDisk)).toBe(true);
    await driver.confirmResize(h.workloadId, signal);
    expect(existsSync(paths().keptDisk) || existsSync(paths().keptRecord)).toBe(false);
    await driver.confirmResize(h.workloadId, signal);
    await driver.confirmResize('unknown-workload', signal);
  });

  it('revert resize goes back to the kept disk and the old flavor, running', async () => {
    const booted = await count('booted');
    await expect(driver.resize(h, spec({ rootGb: 1 }), signal)).rejects.toThrow(/cannot shrink/);
    h = await driver.resize(h, spec({ vcpus: 1, memoryMb: 256, rootGb: 3 }), signal);
    expect((await imageInfo(paths().disk, 'qcow2', true)).virtualSize).toBe(3 * GiB);
    // Until acpid runs the guest cannot honour the power button (the stop would wait it out).
    await waitFor('ready', booted + 1);
    h = await driver.revertResize(h, spec({ vcpus: 2, memoryMb: 320, rootGb: 2 }), signal);
    await waitFor('ready', booted + 2);
    expect((await imageInfo(paths().disk, 'qcow2', true)).virtualSize).toBe(2 * GiB);
    expect(h.state).toMatchObject({ vcpus: 2, memoryMb: 320, rootGb: 2 });
    expect(existsSync(paths().keptDisk)).toBe(false);
    expect(await power()).toBe('running');
  });

  it('rebuild replaces the root disk from a (raw) image and the config drive, same id, running', async () => {
    const raw = join(root, 'test-image.raw');
    await runCommand('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', image.path, raw]);
    const booted = await count('booted');
    const junk = join(root, 'junk.qcow2');
    writeFileSync(junk, 'junk');
    const bad = spec({ image: { ...spec().image, id: 'junk', path: junk } });
    await expect(driver.rebuild(h, bad, signal)).rejects.toThrow(/image junk is unreadable/);
    expect(await power()).toBe('running');
    const next = spec({
      hostname: 'rebuilt',
      image: { ...spec().image, id: 'raw-image', diskFormat: 'raw', path: raw },
    });
    h = await driver.rebuild(h, next, signal);
    await waitFor('ready', booted + 1);
    expect(await log()).toContain(marker('hostname=rebuilt'));
    expect(h).toMatchObject({
      workloadId: next.workloadId,
      state: { imageId: 'raw-image', diskFormat: 'raw' },
    });
    expect((await imageInfo(paths().disk, 'qcow2', true)).virtualSize).toBe(GiB);
    expect(await power()).toBe('running');
  });

  it('a VM killed from outside is observed as crashed, with the reason', async () => {
    const pid = (h.state as QemuHandleState).pid!;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const seen = await driver.observe(h.workloadId);
    expect(seen?.power).toBe('crashed');
    expect(seen?.reason).toMatch(/exited unexpectedly/);
  });

  it('destroy leaves nothing behind (no process, socket, overlay or log) and resolves for unknown ids', async () => {
    await driver.start(h, signal);
    expect(await power()).toBe('running');
    await driver.destroy(h.workloadId, signal);
    expect(existsSync(paths().dir)).toBe(false);
    expect(pidsMentioning(paths().dir)).toEqual([]);
    expect(await driver.observe(h.workloadId)).toBeUndefined();
    expect(await driver.list()).toEqual([]);
    await driver.destroy(h.workloadId, signal);
    await driver.destroy('never-existed', signal);
  });

  it('probes the host: real capacity, traits and the accelerator', async () => {
    const facts = await driver.probe(signal);
    expect(facts.vcpus).toBeGreaterThan(0);
    expect(facts.memoryMb).toBeGreaterThan(0);
    expect(facts.diskGb).toBeGreaterThanOrEqual(0);
    expect(facts.traits).toEqual(
      expect.arrayContaining(['CUSTOM_STRATA_DRIVER_QEMU', 'CUSTOM_STRATA_VM', 'COMPUTE_IMAGE_TYPE_QCOW2']),
    );
    const { accelerator, acceleratorReason } = facts.details;
    console.log(`qemu driver: accelerator ${String(accelerator)} (${String(acceleratorReason)})`);
    expect(facts.details).toMatchObject({ accelerator: expect.stringMatching(/^(kvm|tcg)$/) });
    expect(facts.details['qemuVersion']).toMatch(/^\d+\.\d+/);
  });
});
