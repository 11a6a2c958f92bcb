import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../host/command.js';
import { buildContainerTestImage, containerTestMarker } from '../../test-images/container-image.js';
import type { ContainerTestImage } from '../../test-images/container-image.js';
import { findHostKernel } from '../../test-images/kernel-modules.js';
import { testImageCacheDir } from '../../test-images/test-image-set.js';
import type { WorkloadHandle, WorkloadSpec } from '../driver.js';
import { kill } from '../qemu/qemu-process.js';
import { pidsMentioning } from '../qemu/testing/process-scan.js';
import { MicrovmDriver } from './microvm-driver.js';

const runnable =
  process.getuid?.() === 0 &&
  hasCommand('qemu-system-x86_64') &&
  hasCommand('mkfs.ext4') &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;
const signal = new AbortController().signal;
const M = containerTestMarker;
/** TCG on a loaded two-core machine: the guest kernel alone takes 10-30 s to reach init. */
const bootTimeoutMs = 240_000;

describe.skipIf(!runnable)('microvm driver (real QEMU, TCG)', () => {
  let base = '';
  let image: ContainerTestImage;
  let driver: MicrovmDriver;
  const id = `mvm-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  const specOf = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
    workloadId: id,
    name: 'isolated',
    hostname: 'iso-1',
    kind: 'container',
    vcpus: 1,
    memoryMb: 192,
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
    userData: null,
    metadata: {},
    keyName: null,
    keyData: null,
    configDrive: false,
    extraSpecs: { 'hw:container_isolation': 'vm' },
    nics: [],
    disks: [],
    ...over,
  });

  /** Waits until the console log has `count` lines matching `pattern`; returns the ms it took. */
  const waitForLog = async (h: WorkloadHandle, pattern: RegExp, count = 1): Promise<number> => {
    const started = Date.now();
    for (;;) {
      const log = await driver.consoleLog(h);
      if ((log.match(new RegExp(pattern, 'g')) ?? []).length >= count) return Date.now() - started;
      if (Date.now() - started > bootTimeoutMs)
        throw new Error(`no ${pattern} x${count} within ${bootTimeoutMs} ms; console:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    // Short: QEMU's sockets live under the state dir (107-byte limit).
    base = mkdtempSync(join(tmpdir(), 'mvm-'));
    image = await buildContainerTestImage(testImageCacheDir());
    driver = new MicrovmDriver(
      { stateDir: join(base, 'i'), cacheDir: join(base, 'c') },
      { accelerator: 'tcg', gracefulTimeoutMs: 20_000 },
    );
  });

  afterAll(async () => {
    await driver?.destroy(id, signal).catch(() => undefined);
    for (const pid of pidsMentioning(join(base, 'i'))) kill(pid, 'SIGKILL');
    rmSync(base, { recursive: true, force: true });
  });

  it('runs the container image in a microVM: marker on the console, stop, start, delete', async () => {
    const t0 = Date.now();
    const h = await driver.create(specOf(), signal);
    expect(h.driver).toBe('microvm');
    expect(h.diagnostics).toMatchObject({ accelerator: 'tcg', disk_format: 'raw' });
    await waitForLog(h, new RegExp(`${M}: booted`));
    const bootMs = Date.now() - t0;
    // The init prints its lines one by one: under load the hostname may follow a moment later.
    await waitForLog(h, new RegExp(`${M}: hostname=`));
    console.log(`microvm: create to marker ${bootMs} ms (TCG)`);
    const log = await driver.consoleLog(h);
    // The hostname is the guest kernel's own (the init set it), not the host's.
    expect(log).toContain(`${M}: hostname=iso-1`);
    expect(log).not.toContain(base);
    expect(await driver.observe(id)).toEqual({ workloadId: id, power: 'running' });
    expect((await driver.listImageCache()).map((e) => [e.imageId, e.inUse])).toEqual([
      ['busybox-test', true],
    ]);
    const qemuPids = pidsMentioning(join(base, 'i', id));
    expect(qemuPids).toHaveLength(1);

    // Graceful: the power button reaches the entrypoint as SIGTERM (its trap prints 'stopping').
    await driver.stop(h, { timeoutMs: 60_000 }, signal);
    expect(await driver.consoleLog(h)).toContain(`${M}: stopping`);
    expect(await driver.observe(id)).toMatchObject({ power: 'shutdown' });
    expect(pidsMentioning(join(base, 'i', id))).toEqual([]);
    // The root disk (and what the container wrote to it) stays while the VM is off.
    expect(existsSync(join(base, 'i', id, 'rootfs.ext4'))).toBe(true);

    await driver.start(h, signal);
    await waitForLog(h, new RegExp(`${M}: booted`), 2);
    expect(await driver.observe(id)).toEqual({ workloadId: id, power: 'running' });

    // A replayed create of the same id returns the running workload, no second QEMU.
    const again = await driver.create(specOf(), signal);
    expect(again.workloadId).toBe(id);
    expect(pidsMentioning(join(base, 'i', id))).toHaveLength(1);

    await driver.destroy(id, signal);
    expect(await driver.observe(id)).toBeUndefined();
    expect(pidsMentioning(join(base, 'i', id))).toEqual([]);
    expect(readdirSync(join(base, 'i'))).toEqual([]);
    // The unpacked image is the cache manager's to evict now that no workload was made from it.
    const [entry] = await driver.listImageCache();
    expect(entry?.inUse).toBe(false);
    expect(await driver.removeImageCache(entry!.key)).toBe(true);
    expect(await driver.listImageCache()).toEqual([]);
  }, 900_000);

  it('refuses a container without VM isolation, and NICs, leaving nothing', async () => {
    await expect(driver.create(specOf({ extraSpecs: {} }), signal)).rejects.toThrow(/container_isolation=vm/);
    const nic = {
      portId: 'p',
      networkId: 'n',
      mac: 'fa:16:3e:00:00:01',
      mtu: 1500,
      hostName: 'tapx',
      fixedIps: [],
    };
    await expect(driver.create(specOf({ nics: [nic] }), signal)).rejects.toThrow(/no NICs or volumes/);
    expect(existsSync(join(base, 'i', id))).toBe(false);
  });
});
