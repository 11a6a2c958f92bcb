import { rm } from 'node:fs/promises';
import { runCommand } from '../../host/command.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * The container's root disk: an ext4 image holding a copy of the unpacked rootfs, written
 * by `mkfs.ext4 -d` into a sparse file (no loop device, no mount). Owners and modes come
 * from the unpacked tree. The flavor's root disk size when it has one; otherwise twice the
 * tree plus 64 MiB of room.
 */
export async function makeRootDisk(
  rootfs: string,
  out: string,
  rootGb: number,
  signal?: AbortSignal,
): Promise<void> {
  const bytes = rootGb > 0 ? rootGb * GiB : 2 * (await treeBytes(rootfs, signal)) + 64 * MiB;
  const kib = Math.ceil(bytes / 1024);
  try {
    await runCommand('mkfs.ext4', ['-q', '-F', '-L', 'strata-root', '-d', rootfs, out, `${kib}k`], {
      timeoutMs: 300_000,
      ...(signal && { signal }),
    });
  } catch (err) {
    await rm(out, { force: true });
    throw err;
  }
}

async function treeBytes(dir: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await runCommand('du', ['-sb', '--', dir], {
    timeoutMs: 120_000,
    ...(signal && { signal }),
  });
  return Number.parseInt(stdout, 10);
}
