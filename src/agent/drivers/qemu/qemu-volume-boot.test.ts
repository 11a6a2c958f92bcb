import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { findHostKernel } from '../../test-images/kernel-modules.js';
import { buildVmTestImage } from '../../test-images/vm-image.js';
import type { WorkloadSpec } from '../driver.js';
import { createQemuDriver, type QemuDriver } from './qemu-driver.js';
import { workloadPaths } from './qemu-workload.js';
import { pidsMentioning } from './testing/process-scan.js';

const tools = ['qemu-system-x86_64', 'qemu-img', 'xorriso', 'mkfs.vfat', 'mcopy', 'syslinux'];
const canBoot =
  process.getuid?.() === 0 &&
  tools.every((t) => hasCommand(t)) &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;
const signal = new AbortController().signal;
const marker = (what: string) => `STRATA-TEST-VM: ${what}`;

// Boot from volume: no image, the volume's file is the boot disk (boot index 0).
describe.skipIf(!canBoot)('qemu driver: boot from a volume', () => {
  let root = '';
  let driver: QemuDriver;
  let volume = '';
  const id = '6f1c2a8e-0000-4000-8000-00000000b0f1';
  const volumeId = 'a3d0c6c2-7c55-4a4e-9a7c-000000000b0f';
  const extraId = 'b7e1d3a4-1111-4c2d-8e3f-000000000b10';
  let extra = '';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-qemu-bfv-'));
    const image = await buildVmTestImage({ cacheDir: join(root, 'images') });
    // What block storage makes of the image: a standalone qcow2 copy (volume-pool.ts fromImage).
    volume = join(root, `${volumeId}.qcow2`);
    await runCommand('qemu-img', ['convert', '-q', '-f', 'qcow2', '-O', 'qcow2', image.path, volume]);
    extra = join(root, `${extraId}.qcow2`);
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', extra, '64M']);
    driver = createQemuDriver(
      { stateDir: join(root, 'state'), cacheDir: join(root, 'cache') },
      { gracefulTimeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    for (const w of (await driver?.list()) ?? []) await driver.destroy(w.workloadId, signal);
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('boots the guest from the volume, which is its vda, then the other volume, the config drive last', async () => {
    const spec: WorkloadSpec = {
      workloadId: id,
      name: 'bfv',
      hostname: 'bfv-guest',
      kind: 'vm',
      vcpus: 1,
      memoryMb: 256,
      rootGb: 0,
      image: { id: '', diskFormat: null, containerFormat: null, properties: {} },
      projectId: 'p1',
      availabilityZone: 'nova',
      launchIndex: 0,
      userData: null,
      metadata: {},
      keyName: null,
      keyData: null,
      configDrive: true,
      extraSpecs: {},
      nics: [],
      // Mapped in another order than the guest's: the launch puts the root first.
      disks: [
        { volumeId: extraId, source: extra, format: 'qcow2', readOnly: false, deviceName: '/dev/vdb' },
        { volumeId, source: volume, format: 'qcow2', readOnly: false, deviceName: '/dev/vda', bootIndex: 0 },
      ],
    };
    const h = await driver.create(spec, signal);
    const paths = workloadPaths(join(root, 'state'), id);
    expect(existsSync(paths.disk)).toBe(false);
    const deadline = Date.now() + 90_000;
    let log = '';
    while (!log.includes(marker('ready'))) {
      if (Date.now() > deadline) throw new Error(`the guest never got ready:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
      log = (await driver.consoleLog(h)).replaceAll('\r\n', '\n');
    }
    expect(log).toContain(marker('hostname=bfv-guest'));
    // Nova's guest view: the root volume on vda, the next mapping on vdb, the config drive after.
    const serialOf = (id: string) => id.slice(0, 20);
    expect(log).toContain(`block-add vda serial=${serialOf(volumeId)} `);
    expect(log).toContain(`block-add vdb serial=${serialOf(extraId)} size=131072`);
    expect(log).toMatch(/block-add vdc serial= size=\d+/);
    await driver.destroy(id, signal);
    // The volume is block storage's: destroying the VM leaves it.
    expect(existsSync(volume)).toBe(true);
  });
});
