import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadDisk, WorkloadHandle } from '../../agent/drivers/driver.js';
import { createQemuDriver, type QemuDriver } from '../../agent/drivers/qemu/qemu-driver.js';
import { deviceIds } from '../../agent/drivers/qemu/qemu-devices.js';
import { QemuVm } from '../../agent/drivers/qemu/qemu-vm.js';
import { workloadPaths } from '../../agent/drivers/qemu/qemu-workload.js';
import { pidsMentioning } from '../../agent/drivers/qemu/testing/process-scan.js';
import { workloadSpec } from '../../agent/drivers/workload-spec-defaults.js';
import { hasCommand, runCommand } from '../../agent/host/command.js';
import { findHostKernel } from '../../agent/test-images/kernel-modules.js';
import { buildVmTestImage, type VmTestImage } from '../../agent/test-images/vm-image.js';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase } from '../../db/testing/dialects.js';
import { deleteVolumeAttachment, getVolumeAttachment } from '../attachments/volume-attachment-store.js';
import type { VolumeDeps, VolumeDevicePort } from '../volume-deps.js';
import { attachedVolume, exportTestDeps, nbdClientArgs } from './export-testing.js';
import { NbdPskKeys } from './nbd-psk-keys.js';
import { QemuStorageDaemon } from './qemu-storage-daemon.js';
import { diskForHost, syncExports } from './volume-export-service.js';
import { listVolumeExports } from './volume-export-store.js';
import { extendVolume } from '../volumes/volume-extend.js';
import { volumeReconciler } from '../volumes/volume-reconciler.js';
import { getVolume } from '../volumes/volume-store.js';

const tools = ['qemu-system-x86_64', 'qemu-img', 'qemu-io', 'qemu-storage-daemon', 'xorriso', 'mkfs.vfat'];
const canBoot =
  process.getuid?.() === 0 &&
  tools.every((t) => hasCommand(t)) &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;

const signal = new AbortController().signal;
const tag = randomBytes(3).toString('hex');
const token = `nbd-${tag}`;
const volumeId = `${tag}00-0000-4000-8000-0000000000e4`;
const serverId = `server-${tag}`;

const GiB = 1024 ** 3;
const admin = { projectId: 'p', userId: 'u', isAdmin: true };

/**
 * Compute's device seam as the agent carries it out, for one remote server: the disk asked
 * for goes through diskForHost (as compute's disk source does) to the qemu driver.
 */
function driverPort(driver: QemuDriver, h: WorkloadHandle, deps: VolumeDeps) {
  const asked: number[] = [];
  const extended: boolean[] = [];
  let last: { status: 'attached' | 'error'; sizeBytes?: number } = { status: 'attached' };
  const port: VolumeDevicePort = {
    async attach(serverId, disk) {
      asked.push(disk.sizeBytes ?? 0);
      const remote = await diskForHost(deps, serverId, 'compute-remote', disk);
      last = await driver
        .attachDevice(h, { kind: 'disk', disk: remote }, signal)
        .then(() => ({ status: 'attached' as const, ...(disk.sizeBytes && { sizeBytes: disk.sizeBytes }) }))
        .catch((err: unknown) => {
          console.error('attach failed', err);
          return { status: 'error' as const };
        });
    },
    detach: () => Promise.resolve(),
    disk: () => Promise.resolve({ kind: 'present', desired: 'attached', host: 'compute-remote', ...last }),
    extended(_serverId, _volumeId, ok) {
      extended.push(ok);
      return Promise.resolve();
    },
  };
  return { port, asked, extended };
}

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

// The backend host serves a volume over NBD on 127.0.0.1; the "remote" host is a real QEMU
// VM whose disk is that export (QEMU's own NBD client, hot attached over QMP).
describe.skipIf(!canBoot)(
  'NBD export of a volume to a VM on another host (real qemu-storage-daemon and QEMU)',
  () => {
    let root = '';
    let testDb: TestDatabase;
    let store: StrataDb;
    let daemon: QemuStorageDaemon;
    let deps: VolumeDeps;
    let driver: QemuDriver;
    let image: VmTestImage;
    let h: WorkloadHandle;
    let attachmentId = '';
    let remote: WorkloadDisk;

    const log = async () => (await driver.consoleLog(h)).replaceAll('\r\n', '\n');
    async function waitFor(re: RegExp, n = 1, timeoutMs = 90_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = [...(await log()).matchAll(new RegExp(`STRATA-TEST-VM: ${re.source}`, 'g'))];
        if (found.length >= n) return found[n - 1]!;
        if (Date.now() > deadline)
          throw new Error(`no ${n}x ${re.source} within ${timeoutMs} ms:\n${await log()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    /** The first bytes of the export, read by a separate NBD client (qemu-img) through the same export. */
    async function exportHead(): Promise<string> {
      const out = join(root, 'head.raw');
      rmSync(out, { force: true });
      const c = nbdClientArgs(remote, join(root, 'client-tls'));
      await runCommand(
        'qemu-img',
        [
          'dd',
          ...c.objects,
          '--image-opts',
          '-O',
          'raw',
          'bs=64',
          'count=1',
          `if=${c.imageOpts}`,
          `of=${out}`,
        ],
        { timeoutMs: 20_000 },
      );
      return readFileSync(out, 'latin1').replace(/\0+$/, '');
    }
    /** Whether `len` bytes at `offset` of the export all hold `pattern` (qemu-io's pattern check over NBD). */
    async function exportHolds(pattern: number, offset: number, len: number): Promise<boolean> {
      const c = nbdClientArgs(remote, join(root, 'client-tls'));
      const { stdout } = await runCommand(
        'qemu-io',
        [
          ...c.objects,
          '--image-opts',
          '-c',
          `read -P 0x${pattern.toString(16)} ${offset} ${len}`,
          c.imageOpts,
        ],
        { timeoutMs: 20_000 },
      ).catch(() => ({ stdout: '' })); // exit 1: the pattern differs, or the read failed
      return stdout.includes(`read ${len}/${len} bytes`) && !stdout.includes('verification failed');
    }
    /** Types a command into the guest's serial shell ($m is the guest's marker). */
    async function guestShell(command: string): Promise<void> {
      const tty = await driver.serialConsole(h);
      await new Promise<void>((resolve, reject) =>
        tty.write(`m=STRATA-TEST-VM; ${command}\r`, (err) => (err ? reject(err) : resolve())),
      );
      await new Promise((r) => setTimeout(r, 300));
      tty.destroy();
    }
    const vm = () => new QemuVm(workloadPaths(join(root, 'state'), h.workloadId), 'qemu-system-x86_64');

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'strata-e4nbd-'));
      testDb = await createTestDatabase('sqlite');
      store = await openDatabase(testDb.url);
      // Served as block storage serves it: TLS-PSK, the remote host holding its key.
      const tlsDir = join(root, 'exports', 'tls');
      daemon = new QemuStorageDaemon(
        join(root, 'exports'),
        { host: '127.0.0.1', port: await freePort() },
        tlsDir,
      );
      deps = exportTestDeps(store, join(root, 'pool'), {
        backendHost: 'backend',
        server: daemon,
        tls: new NbdPskKeys(tlsDir),
      });
      attachmentId = await attachedVolume(deps, volumeId, serverId);
      // Written on the backend host through the local file.
      const marker = join(root, 'marker');
      writeFileSync(marker, `STRATA-DATA: ${token}\n`);
      const file = await deps.pool.create(volumeId, 1);
      await runCommand('qemu-io', ['-f', 'qcow2', '-c', `write -s ${marker} 0 ${token.length + 14}`, file]);
      image = await buildVmTestImage({ cacheDir: join(root, 'images') });
      driver = createQemuDriver(
        { stateDir: join(root, 'state'), cacheDir: join(root, 'cache') },
        { gracefulTimeoutMs: 20_000 },
      );
    }, 120_000);

    afterAll(async () => {
      if (driver)
        for (const w of await driver.list())
          await driver.destroy(w.workloadId, signal).catch(() => undefined);
      await daemon?.stop().catch(() => undefined);
      for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
      await store?.close();
      await testDb?.drop();
      rmSync(root, { recursive: true, force: true });
    });

    it('exports the volume for the other host: an nbd:// disk and nbd connection_info, no host path', async () => {
      const file: WorkloadDisk = {
        volumeId,
        source: deps.pool.pathOf(volumeId),
        format: 'qcow2',
        readOnly: false,
      };
      remote = await diskForHost(deps, serverId, 'compute-remote', file);
      expect(remote.source).toBe(`nbd://127.0.0.1:${daemon.address.port}/attachment-${attachmentId}`);
      expect(remote.format).toBe('raw');
      const info = (await getVolumeAttachment(store.db, attachmentId))?.connectionInfo;
      expect(info?.['driver_volume_type']).toBe('nbd');
      expect(JSON.stringify(info)).not.toContain(root);
      expect(await daemon.served()).toEqual([`attachment-${attachmentId}`]);
      expect(await exportHead()).toBe(`STRATA-DATA: ${token}\n`);
      // The remote host's key is what opens it: a client without TLS is refused.
      expect(remote.nbdTls?.key).toMatch(/^[0-9a-f]{64}$/);
      await expect(
        runCommand('qemu-io', ['-f', 'raw', '-c', 'read 0 512', remote.source], { timeoutMs: 20_000 }),
      ).rejects.toThrow(/TLS/i);
    });

    it('hot-attaches the export to a running VM: the guest reads the data written on the backend', async () => {
      h = await driver.create(
        workloadSpec({
          workloadId: `e4-${tag}`,
          kind: 'vm',
          image: {
            id: 'test-image',
            diskFormat: 'qcow2',
            containerFormat: 'bare',
            path: image.path,
            properties: {},
          },
          configDrive: true,
        }),
        signal,
      );
      await waitFor(/ready/);
      await driver.attachDevice(h, { kind: 'disk', disk: remote }, signal);
      const [, dev] = await waitFor(
        new RegExp(`block-add (vd[a-z]+) serial=${volumeId.slice(0, 20)} size=2097152`),
      );
      await waitFor(new RegExp(`block-data ${dev} STRATA-DATA: ${token}`));
      const blocks =
        await vm().command<Array<{ inserted?: { 'node-name': string; file: string } }>>('query-block');
      const node = deviceIds({ kind: 'disk', id: volumeId }).backend;
      const mine = blocks.find((b) => b.inserted?.['node-name'] === node);
      expect(mine?.inserted?.file).toMatch(
        new RegExp(`^nbd://127\\.0\\.0\\.1:${daemon.address.port}/attachment-`),
      );
    });

    it('kill -9 of the export server: the reconciler starts it again with the export, and the VM writes through it again', async () => {
      const pid = await daemon.pid();
      expect(pid).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      for (let i = 0; i < 100 && (await daemon.pid()) !== undefined; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await daemon.served()).toEqual([]);
      await syncExports(deps);
      expect(await daemon.pid()).not.toBe(pid);
      expect(await daemon.served()).toEqual([`attachment-${attachmentId}`]);
      expect(await exportHead()).toBe(`STRATA-DATA: ${token}\n`);
      // QEMU's NBD client reconnects to the new server (its first requests fail with EIO, as
      // reconnect-delay is 0): a write through the VM's own block
      // device (HMP qemu-io -d: its own block backend; a second writer would be refused)
      // reaches the volume, as another NBD client reads it back.
      const device = deviceIds({ kind: 'disk', id: volumeId }).device;
      let landed = false;
      for (let i = 0; i < 20 && !landed; i++) {
        await vm().command('human-monitor-command', {
          'command-line': `qemu-io -d ${device}/virtio-backend "write -P 0xab 1M 512"`,
        });
        landed = await exportHolds(0xab, 1024 ** 2, 512);
        if (!landed) await new Promise((r) => setTimeout(r, 500));
      }
      expect(landed).toBe(true);
    });

    it('in-use extend through the volume reconciler: the export grows, the VM reconnects to it, and the guest sees the new size', async () => {
      const { port, asked, extended } = driverPort(driver, h, deps);
      const extending = { ...deps, devices: () => port };
      await extendVolume(extending, admin, volumeId, 2, { inUse: true });
      const reconciler = volumeReconciler(extending);
      for (let i = 0; i < 50 && (await getVolume(store.db, volumeId))?.status !== 'in-use'; i++)
        await reconciler.reconcile(volumeId, signal);
      expect(await getVolume(store.db, volumeId)).toMatchObject({ status: 'in-use', size: 2 });
      expect(asked).toEqual([2 * GiB]);
      expect(extended).toEqual([true]);
      // The VM's disk now reads through its own NBD node, at the new size.
      const node = deviceIds({ kind: 'disk', id: volumeId }).backend;
      const sizes = await vm().command<Array<{ 'node-name': string; image: { 'virtual-size': number } }>>(
        'query-named-block-nodes',
        { flat: true },
      );
      expect(
        sizes.filter((n) => n['node-name'].startsWith('nbd-')).map((n) => n.image['virtual-size']),
      ).toEqual([2 * GiB]);
      expect(sizes.find((n) => n['node-name'] === node)?.image['virtual-size']).toBe(2 * GiB);
      // The guest's kernel took the capacity change (512-byte sectors), read over its serial shell.
      const dev = (await waitFor(new RegExp(`block-add (vd[a-z]+) serial=${volumeId.slice(0, 20)}`)))[1]!;
      await guestShell(`echo "$m: size ${dev} $(cat /sys/block/${dev}/size)"`);
      await waitFor(new RegExp(`size ${dev} ${(2 * GiB) / 512}`));
      // Data written before the extend reads back through the new connection, from the disk
      // (the guest's page cache dropped first): its first line, and the VM's 0xab at 1 MiB.
      await guestShell(
        `echo 3 > /proc/sys/vm/drop_caches; echo "$m: head $(head -c 64 /dev/${dev} | head -n 1) at-1M $(dd if=/dev/${dev} bs=512 skip=2048 count=1 2>/dev/null | wc -c) not-ab $(dd if=/dev/${dev} bs=512 skip=2048 count=1 2>/dev/null | tr -d '\\253' | wc -c)"`,
      );
      await waitFor(new RegExp(`head STRATA-DATA: ${token} at-1M 512 not-ab 0`));
      const past = (1.5 * GiB) / 512;
      await guestShell(
        `printf "%0512d" 0 | tr 0 A | dd of=/dev/${dev} bs=512 seek=${past} count=1 conv=fsync 2>/dev/null && echo "$m: wrote-past ${dev}"`,
      );
      await waitFor(new RegExp(`wrote-past ${dev}`));
      expect(await exportHolds(0x41, 1.5 * GiB, 512)).toBe(true);

      // A second extend switches to the disk's other NBD node and drops the first one.
      await extendVolume(extending, admin, volumeId, 3, { inUse: true });
      for (let i = 0; i < 50 && (await getVolume(store.db, volumeId))?.status !== 'in-use'; i++)
        await reconciler.reconcile(volumeId, signal);
      expect(await getVolume(store.db, volumeId)).toMatchObject({ status: 'in-use', size: 3 });
      const after = await vm().command<Array<{ 'node-name': string; image: { 'virtual-size': number } }>>(
        'query-named-block-nodes',
        { flat: true },
      );
      expect(
        after.filter((n) => n['node-name'].startsWith('nbd-')).map((n) => n.image['virtual-size']),
      ).toEqual([3 * GiB]);
      await guestShell(`echo "$m: size ${dev} $(cat /sys/block/${dev}/size)"`);
      await waitFor(new RegExp(`size ${dev} ${(3 * GiB) / 512}`));
    });

    it('detach (the attachment gone) removes the export; a restarted reconciler does not bring it back', async () => {
      await driver.detachDevice(h, { kind: 'disk', id: volumeId }, signal);
      // The grown disk's own NBD node went with it (no connection left to the export).
      const nodes = await vm().command<Array<{ 'node-name': string }>>('query-named-block-nodes', {
        flat: true,
      });
      expect(nodes.map((n) => n['node-name']).filter((n) => /^(nbd|vol)-/.test(n))).toEqual([]);
      await deleteVolumeAttachment(store.db, attachmentId);
      await syncExports(deps);
      expect(await daemon.served()).toEqual([]);
      expect(await listVolumeExports(store.db)).toEqual([]);
      await expect(exportHead()).rejects.toThrow();
      await syncExports(
        exportTestDeps(store, join(root, 'pool'), { backendHost: 'backend', server: daemon }),
      );
      expect(await daemon.served()).toEqual([]);
    });
  },
);
