import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQemuDriver, type QemuDriver } from '../../../src/agent/drivers/qemu/qemu-driver.js';
import { withQmp } from '../../../src/agent/drivers/qemu/qmp-client.js';
import { pidsMentioning } from '../../../src/agent/drivers/qemu/testing/process-scan.js';
import { readVmRecord, workloadPaths } from '../../../src/agent/drivers/qemu/qemu-workload.js';
import { hasCommand, runCommand } from '../../../src/agent/host/command.js';
import { findHostKernel } from '../../../src/agent/test-images/kernel-modules.js';
import { buildVmTestImage } from '../../../src/agent/test-images/vm-image.js';
import { VolumePool } from '../../../src/volume/volumes/volume-pool.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas } from './compute-api-fixtures.js';
import { memberVolumeCaller, waitForVolume } from './volume-fixtures.js';

// Resize of a volume-backed server on the real qemu driver (TCG): the root stays on its
// volume (no local root disk is made), QEMU runs with the new flavor's memory and vCPUs
// (asked over QMP), the volume stays in-use and its data intact; confirm keeps the new
// flavor, revert goes back to the old one. One VM, resized three times.
const tools = ['qemu-system-x86_64', 'qemu-img', 'qemu-io', 'xorriso', 'mkfs.vfat', 'mcopy', 'syslinux'];
const canBoot =
  process.getuid?.() === 0 &&
  tools.every((t) => hasCommand(t)) &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;

type Json = Record<string, unknown>;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const tag = randomBytes(3).toString('hex');
const hostname = `bfv-resize-${tag}`;
// Far past the test image's FAT file system, so neither the guest nor the boot touch it.
const markerAt = '768M';
const tcgMs = 240_000;

describe.skipIf(!canBoot)('volume-backed server resize on the qemu driver', () => {
  let base = '';
  let t: TestCloud;
  let p: Personas;
  let driver: QemuDriver;
  let server = '';
  let volume = '';
  let volumeFile = '';
  const flavors: Record<'small' | 'large' | 'other', string> = { small: '', large: '', other: '' };
  const nova = (method: 'GET' | 'POST', path: string, payload?: object) =>
    t.request({
      method,
      url: `/compute/v2.1${path}`,
      token: p.member,
      headers: { 'openstack-api-version': 'compute 2.60' },
      ...(payload !== undefined && { payload }),
    });
  const vol = memberVolumeCaller(
    () => t,
    () => p,
    '3.60',
  );
  const paths = () => workloadPaths(join(base, 'state'), server);
  const qmp = <T>(command: string) => withQmp(paths().qmp, (q) => q.execute<T>(command));

  /** What QEMU really runs with: guest RAM in MiB and vCPUs, asked over QMP. */
  async function running(): Promise<{ memoryMb: number; vcpus: number }> {
    const mem = await qmp<{ 'base-memory': number }>('query-memory-size-summary');
    const cpus = await qmp<unknown[]>('query-cpus-fast');
    return { memoryMb: mem['base-memory'] / MiB, vcpus: cpus.length };
  }

  /** Waits for the guest's `ready` line number `n` in the console log (one per boot); returns boot n's lines. */
  async function readyBoots(n: number): Promise<string> {
    const until = Date.now() + tcgMs;
    let log = '';
    while (Date.now() < until) {
      const res = await nova('POST', `/servers/${server}/action`, { 'os-getConsoleOutput': {} });
      log = res.statusCode === 200 ? String(res.json().output).replaceAll('\r\n', '\n') : '';
      const boots = log.split('STRATA-TEST-VM: ready');
      if (boots.length > n) return boots[n - 1]!;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the guest did not get ready ${n} times:\n${log.slice(-3000)}`);
  }

  /** The guest's line for the volume: virtio-blk serial is the volume id's first 20 characters. */
  const volumeLine = () => new RegExp(`block-add vd[a-z] serial=${volume.slice(0, 20)} size=${GiB / 512}\\n`);

  async function resizeTo(flavor: string): Promise<void> {
    const res = await nova('POST', `/servers/${server}/action`, { resize: { flavorRef: flavor } });
    expect(res.statusCode, res.body).toBe(202);
    await waitForServer(t, p.member, server, 'VERIFY_RESIZE', tcgMs);
  }

  /** The root is the volume's pool file, in use by this server, with the marker written before boot. */
  async function expectRootOnVolume(): Promise<void> {
    expect(existsSync(paths().disk)).toBe(false);
    const rec = await readVmRecord(paths().record);
    const disks = (rec?.devices ?? []).flatMap((d) => (d.kind === 'disk' ? [d.disk] : []));
    expect(disks.map((d) => [d.volumeId, d.source, d.bootIndex])).toEqual([[volume, volumeFile, 0]]);
    const pid = Number(readFileSync(paths().pidfile, 'utf8').trim());
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain(volumeFile);
    const v = (await vol('GET', `/volumes/${volume}`)).json().volume as Json;
    expect(v['status']).toBe('in-use');
    expect((v['attachments'] as Json[]).map((a) => a['server_id'])).toEqual([server]);
    const read = await runCommand('qemu-io', [
      ...['-r', '-U', '-f', 'qcow2', '-c', `read -P 0x5a ${markerAt} 64k`, volumeFile],
    ]);
    expect(read.stdout).toContain('read 65536/65536 bytes');
  }

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'strata-bfv-resize-'));
    const dataDir = join(base, 'cloud');
    // The agent's host is the volume backend's: the volume comes as its pool file.
    t = await startTestCloud('sqlite', { computeDriver: 'none', dataDir, volumeHost: hostname });
    p = await createPersonas(t);
    driver = createQemuDriver(
      { stateDir: join(base, 'state'), cacheDir: join(base, 'cache') },
      { accelerator: 'tcg', gracefulTimeoutMs: 30_000 },
    );
    await t.cloud.compute.agents.add(hostname, driver);
    const built = await buildVmTestImage({ cacheDir: join(base, 'images') });
    const image = await createImage(t, p.admin, 'strata-test-vm', await readFile(built.path));
    // Root sizes that would not fit an image-backed resize: the volume is what counts.
    flavors.small = await createFlavor(t, p.admin, { name: `s-${tag}`, vcpus: 1, ram: 256, disk: 5 });
    flavors.large = await createFlavor(t, p.admin, { name: `l-${tag}`, vcpus: 2, ram: 384, disk: 1 });
    flavors.other = await createFlavor(t, p.admin, { name: `o-${tag}`, vcpus: 1, ram: 320, disk: 0 });
    const created = await vol('POST', '/volumes', { volume: { size: 1, imageRef: image, name: 'root' } });
    expect(created.statusCode, created.body).toBe(202);
    volume = String(created.json().volume.id);
    await waitForVolume(vol, volume, 'available', 60_000);
    volumeFile = new VolumePool(join(dataDir, 'volumes')).pathOf(volume);
    await runCommand('qemu-io', ['-f', 'qcow2', '-c', `write -P 0x5a ${markerAt} 64k`, volumeFile]);
    const res = await nova('POST', '/servers', {
      server: {
        name: 'bfv-resize',
        flavorRef: flavors.small,
        networks: 'none',
        imageRef: '',
        block_device_mapping_v2: [
          { source_type: 'volume', destination_type: 'volume', uuid: volume, boot_index: 0 },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    server = String(res.json().server.id);
    await waitForServer(t, p.member, server, 'ACTIVE', tcgMs);
    await readyBoots(1);
  }, 2 * tcgMs);

  afterAll(async () => {
    await t?.close();
    if (driver !== undefined)
      for (const w of await driver.list().catch(() => []))
        await driver.destroy(w.workloadId, new AbortController().signal).catch(() => undefined);
    for (const pid of base ? pidsMentioning(base) : []) process.kill(pid, 'SIGKILL');
    if (base) rmSync(base, { recursive: true, force: true });
  }, 60_000);

  it('boots from the volume with the small flavor', async () => {
    expect(await readyBoots(1)).toMatch(volumeLine());
    expect(await running()).toEqual({ memoryMb: 256, vcpus: 1 });
    await expectRootOnVolume();
  });

  it(
    'resizes to more memory and vCPUs (and a smaller root_gb), and confirm keeps it',
    async () => {
      await resizeTo(flavors.large);
      // The guest booted again and sees the whole volume (1 GiB) as its disk.
      expect(await readyBoots(2)).toMatch(volumeLine());
      expect(await running()).toEqual({ memoryMb: 384, vcpus: 2 });
      const confirmed = await nova('POST', `/servers/${server}/action`, { confirmResize: null });
      expect(confirmed.statusCode, confirmed.body).toBe(204);
      const shown = await waitForServer(t, p.member, server, 'ACTIVE', tcgMs);
      expect(shown['flavor']).toMatchObject({ id: flavors.large });
      expect(await running()).toEqual({ memoryMb: 384, vcpus: 2 });
      await expectRootOnVolume();
      expect(existsSync(paths().keptDisk)).toBe(false);
    },
    3 * tcgMs,
  );

  it(
    'reverts a resize to a zero-disk flavor back to the flavor it had, on the same volume',
    async () => {
      await resizeTo(flavors.other);
      expect(await readyBoots(3)).toMatch(volumeLine());
      expect(await running()).toEqual({ memoryMb: 320, vcpus: 1 });
      await expectRootOnVolume();
      const reverted = await nova('POST', `/servers/${server}/action`, { revertResize: null });
      expect(reverted.statusCode, reverted.body).toBe(202);
      const shown = await waitForServer(t, p.member, server, 'ACTIVE', tcgMs);
      expect(shown['flavor']).toMatchObject({ id: flavors.large });
      expect(await readyBoots(4)).toMatch(volumeLine());
      expect(await running()).toEqual({ memoryMb: 384, vcpus: 2 });
      await expectRootOnVolume();
    },
    3 * tcgMs,
  );
});
