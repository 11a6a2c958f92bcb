import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../host/command.js';
import type { WorkloadDisk } from '../driver.js';
import { withQmp } from '../qemu/qmp-client.js';
import { isMountPoint } from './rootfs.js';
import { loopsOn, qmpSocketOf } from './runc-volume-loops.js';

const timeoutMs = 60_000;
/** QEMU's FUSE export lets the kernel cache a file's attributes for one second. */
const fuseAttrCacheMs = 1_100;

/**
 * Grows a volume a container has mounted (an in-use extend): the image first (through its
 * qemu-storage-daemon, which holds a qcow2 file's write lock; `qemu-img resize` for a raw
 * file), then the loop device's capacity, then the ext4 on it, online. Never shrinks.
 * Returns false when the volume is not mounted (the caller grows the file alone).
 */
export async function growMountedVolume(
  dir: string,
  staging: string,
  disk: WorkloadDisk,
  sizeBytes: number,
): Promise<boolean> {
  if (!(await isMountPoint(join(dir, disk.volumeId)))) return false;
  const backing = disk.format === 'raw' ? disk.source : join(staging, `${disk.volumeId}.raw`);
  const [loop] = await loopsOn(backing);
  if (loop === undefined) return false;
  if ((await stat(backing)).size < sizeBytes) {
    if (disk.format === 'raw')
      await run('qemu-img', ['resize', '-q', '-f', 'raw', disk.source, String(sizeBytes)]);
    else {
      await withQmp(qmpSocketOf(staging, disk.volumeId), (q) =>
        q.execute('block_resize', { 'node-name': 'vol', size: sizeBytes }),
      );
      await new Promise((r) => setTimeout(r, fuseAttrCacheMs));
      await stat(backing); // refreshes the FUSE file's size the loop device reads
    }
  }
  await run('losetup', ['--set-capacity', loop]);
  // Online resize needs CAP_SYS_RESOURCE; without it the filesystem grows at its next mount.
  await run('resize2fs', [loop]).catch((err: Error) => {
    if (!/Permission denied/.test(err.message)) throw err;
  });
  return true;
}

/**
 * Before a mount: an ext4 smaller than its device (extended while not mounted, or while
 * mounted without the right to resize online) is checked and grown offline.
 */
export async function growFsToDevice(loop: string): Promise<void> {
  const { stdout } = await run('dumpe2fs', ['-h', loop]);
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(stdout)?.[1] ?? NaN);
  const fsBytes = field('Block count') * field('Block size');
  const device = Number((await run('blockdev', ['--getsize64', loop])).stdout.trim());
  if (!(fsBytes < device - field('Block size'))) return;
  await run('e2fsck', ['-f', '-p', loop]);
  await run('resize2fs', [loop]);
}

function run(cmd: string, args: ReadonlyArray<string>) {
  return runCommand(cmd, args, { timeoutMs });
}
