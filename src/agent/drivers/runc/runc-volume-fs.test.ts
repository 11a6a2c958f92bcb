import {
  closeSync,
  mkdirSync,
  openSync,
  statfsSync,
  writeSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import type { WorkloadDisk } from '../driver.js';
import { pidsMentioning } from '../qemu/testing/process-scan.js';
import { mountsUnder } from './rootfs.js';
import { mountVolumeFs, releaseVolumeFs, unmountVolumeFs } from './runc-volume-fs.js';
import { growMountedVolume } from './runc-volume-grow.js';

const ready =
  process.getuid?.() === 0 &&
  ['qemu-storage-daemon', 'qemu-img', 'losetup', 'mkfs.ext4', 'blkid'].every((c) => hasCommand(c));

const loopsOn = async (file: string) =>
  (await runCommand('losetup', ['-n', '-O', 'NAME', '-j', file])).stdout.trim();

// Real loop devices, ext4 and qemu-storage-daemon FUSE exports, on files under a temp dir.
describe.skipIf(!ready)('runc volumes as filesystems', () => {
  let root = '';
  const dirs = (n: string) => ({ dir: join(root, n, 'volumes'), staging: join(root, n, 'staging') });
  const qcow2 = (id: string): WorkloadDisk => ({
    volumeId: id,
    source: join(root, `${id}.qcow2`),
    format: 'qcow2',
    readOnly: false,
  });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-volfs-'));
  });
  afterAll(async () => {
    for (const n of ['a', 'b', 'c']) {
      const { dir, staging } = dirs(n);
      for (const m of (await mountsUnder(dir)).reverse()) await runCommand('umount', ['-l', m]);
      await releaseVolumeFs(staging, []);
    }
    const left = await mountsUnder(root);
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it('formats an empty qcow2 volume once, keeps its files across mounts and owners, and leaves nothing', async () => {
    const disk = qcow2('vol-a');
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', disk.source, '32M']);
    const a = dirs('a');
    mkdirSync(a.dir, { recursive: true });
    await mountVolumeFs(a.dir, a.staging, disk, { hostId: 2 ** 28, size: 65536 });
    await mountVolumeFs(a.dir, a.staging, disk, { hostId: 2 ** 28, size: 65536 });
    const mnt = join(a.dir, disk.volumeId);
    expect(statSync(mnt).uid).toBe(2 ** 28);
    writeFileSync(join(mnt, 'data.txt'), 'kept\n');
    await runCommand('chown', [`${2 ** 28 + 1000}:${2 ** 28 + 1000}`, join(mnt, 'data.txt')]);
    await unmountVolumeFs(a.dir, a.staging, disk.volumeId);
    await unmountVolumeFs(a.dir, a.staging, disk.volumeId);
    expect(await mountsUnder(join(root, 'a'))).toEqual([]);
    expect(pidsMentioning(disk.source)).toEqual([]);

    // Another container (another id range): the file is there, owned by its uid 1000.
    const b = dirs('b');
    mkdirSync(b.dir, { recursive: true });
    const other = 2 ** 28 + 65536 * 3;
    await mountVolumeFs(b.dir, b.staging, disk, { hostId: other, size: 65536 });
    const file = join(b.dir, disk.volumeId, 'data.txt');
    expect(readFileSync(file, 'utf8')).toBe('kept\n');
    expect(statSync(file).uid).toBe(other + 1000);
    await unmountVolumeFs(b.dir, b.staging, disk.volumeId);
    expect(await mountsUnder(join(root, 'b'))).toEqual([]);
  });

  it('grows a mounted volume online (in-use extend), qcow2 through its daemon and raw alike', async () => {
    const c = dirs('c');
    mkdirSync(c.dir, { recursive: true });
    const q = qcow2('vol-g');
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', q.source, '32M']);
    const r: WorkloadDisk = {
      volumeId: 'vol-r',
      source: join(root, 'vol-r.raw'),
      format: 'raw',
      readOnly: false,
    };
    await runCommand('qemu-img', ['create', '-q', '-f', 'raw', r.source, '32M']);
    for (const disk of [q, r]) {
      await mountVolumeFs(c.dir, c.staging, disk);
      const mnt = join(c.dir, disk.volumeId);
      writeFileSync(join(mnt, 'before.txt'), 'x\n');
      const size = () => statfsSync(mnt).blocks * statfsSync(mnt).bsize;
      const before = size();
      expect(await growMountedVolume(c.dir, c.staging, disk, 96 * 1024 * 1024)).toBe(true);
      // Grown online where the host may (CAP_SYS_RESOURCE), else at the next mount.
      const source = disk.format === 'raw' ? disk.source : undefined;
      if (size() < before * 2.5) {
        await unmountVolumeFs(c.dir, c.staging, disk.volumeId, source);
        await mountVolumeFs(c.dir, c.staging, disk);
      }
      expect(size()).toBeGreaterThan(before * 2.5);
      expect(readFileSync(join(mnt, 'before.txt'), 'utf8')).toBe('x\n');
      await unmountVolumeFs(c.dir, c.staging, disk.volumeId, source);
    }
    expect(await growMountedVolume(c.dir, c.staging, q, 128 * 1024 * 1024)).toBe(false);
    expect(await mountsUnder(join(root, 'c'))).toEqual([]);
  });

  it('refuses a volume with a partition table, and cleans up after a daemon killed -9', async () => {
    const disk = qcow2('vol-p');
    const raw = join(root, 'p.raw');
    await runCommand('qemu-img', ['create', '-q', '-f', 'raw', raw, '16M']);
    // An MBR with one Linux partition at 1 MiB, as a VM guest's installer leaves it.
    const mbr = Buffer.alloc(512);
    mbr.writeUInt8(0x83, 446 + 4);
    mbr.writeUInt32LE(2048, 446 + 8);
    mbr.writeUInt32LE(8192, 446 + 12);
    mbr.writeUInt16LE(0xaa55, 510);
    const fd = openSync(raw, 'r+');
    writeSync(fd, mbr, 0, 512, 0);
    closeSync(fd);
    await runCommand('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, disk.source]);
    const c = dirs('c');
    mkdirSync(c.dir, { recursive: true });
    await expect(mountVolumeFs(c.dir, c.staging, disk)).rejects.toThrow(/partition table \(dos\)/);
    await unmountVolumeFs(c.dir, c.staging, disk.volumeId);
    expect(await mountsUnder(join(root, 'c'))).toEqual([]);

    const e = qcow2('vol-k');
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', e.source, '16M']);
    await mountVolumeFs(c.dir, c.staging, e);
    for (const pid of pidsMentioning(e.source)) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    await releaseVolumeFs(c.staging, []);
    await runCommand('umount', ['-l', join(c.dir, e.volumeId)]);
    expect(await loopsOn(join(c.staging, 'vol-k.raw'))).toBe('');
    expect(await mountsUnder(join(root, 'c'))).toEqual([]);
  });
});
