import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { HostCommandError, runCommand } from '../../host/command.js';
import type { WorkloadDisk } from '../driver.js';
import type { IdMap } from './runc-idmap.js';
import { ownByRoot } from './runc-idmap.js';
import { mountVolumeFs, releaseVolumeFs, unmountVolumeFs } from './runc-volume-fs.js';
import { isMountPoint, mountsUnder, unescapeMountPath } from './rootfs.js';

const timeoutMs = 30_000;

/** Volume ids name files: no separators, no dot names. */
const validVolumeId = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/**
 * Checks a disk before anything is mounted. A container gets a volume as a filesystem on a
 * loop device over the local file; an NBD export would first have to become a local block device, which needs the
 * kernel's nbd module (and a device cgroup rule), so NBD sources are refused.
 */
export async function checkDisk(disk: WorkloadDisk): Promise<void> {
  const what = `runc driver: volume ${disk.volumeId}`;
  if (!validVolumeId.test(disk.volumeId)) throw new Error(`${what}: the id cannot name a file`);
  if (/^nbd(\+\w+)?:\/\//.test(disk.source)) {
    const why = existsSync('/sys/module/nbd')
      ? 'the runc driver does not map NBD exports to devices'
      : 'this host has no nbd kernel module';
    throw new Error(
      `${what}: NBD exports (${disk.source}) cannot be given to a container: it gets volumes as ` +
        `filesystems on local files at /mnt/volumes, and an export would need a local nbd device (${why})`,
    );
  }
  const st = await stat(disk.source).catch(() => undefined);
  if (!st?.isFile())
    throw new Error(
      `${what}: ${disk.source} is ${st ? 'not a regular file' : 'missing'} (a container takes files only)`,
    );
}

/** Grows the volume's file to `sizeBytes` (qemu-img resize; never shrinks). No QEMU holds it here. */
export async function growVolumeFile(disk: WorkloadDisk, sizeBytes: number): Promise<void> {
  const { stdout } = await runCommand('qemu-img', ['info', '--output=json', '-f', disk.format, disk.source], {
    timeoutMs,
  });
  const now = Number((JSON.parse(stdout) as { 'virtual-size': number })['virtual-size']);
  if (now < sizeBytes)
    await runCommand('qemu-img', ['resize', '-q', '-f', disk.format, disk.source, String(sizeBytes)], {
      timeoutMs,
    });
}

/**
 * Makes `dir` a mount point of its own (bound onto itself) in a new shared peer group, so
 * that whatever is mounted under it later also appears in the container, which gets `dir`
 * as an `rslave` bind mount. Idempotent.
 */
export async function shareVolumesDir(dir: string, owner?: IdMap): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The container's root lists it (a user-namespaced root is nobody to a host root's dir).
  if (owner) await ownByRoot(owner, [dir]);
  if (await isMountPoint(dir)) {
    // Never made private again once shared: that would cut running containers off it.
    if (!(await isShared(dir))) await mount(['--make-shared', dir]);
    return;
  }
  // Private first: a peer group of its own, not that of the filesystem it lives on.
  await mount(['--bind', '--make-private', '--make-shared', dir, dir]);
}

/** Whether the mount at `path` is shared (mountinfo's optional fields say `shared:<group>`). */
async function isShared(path: string): Promise<boolean> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  const line = table.split('\n').findLast((l) => unescapeMountPath(l.split(' ')[4] ?? '') === path);
  return (
    line !== undefined &&
    line
      .split(' - ')[0]!
      .split(' ')
      .slice(6)
      .some((f) => f.startsWith('shared:'))
  );
}

/**
 * Mounts the disk's filesystem at `<dir>/<volume id>` (which propagates into a running
 * container), formatting an empty volume first (runc-volume-fs.ts). Idempotent. With
 * `owner`, the files get the container's user namespace range.
 */
export async function bindVolume(
  dir: string,
  staging: string,
  disk: WorkloadDisk,
  owner?: IdMap,
): Promise<void> {
  await mountVolumeFs(dir, staging, disk, owner);
}

/** Unmounts the volume, its loop device and export, and removes its mount point. */
export async function unbindVolume(dir: string, staging: string, disk: WorkloadDisk): Promise<void> {
  await unmountVolumeFs(dir, staging, disk.volumeId, disk.format === 'raw' ? disk.source : undefined);
}

/** Every volume, then the shared directory itself (destroy, and a create that failed). */
export async function releaseVolumes(
  dir: string,
  staging: string,
  disks: ReadonlyArray<WorkloadDisk> = [],
): Promise<void> {
  for (const m of (await mountsUnder(dir)).filter((m) => m !== dir).reverse()) await unmountAll(m);
  await unmountAll(dir);
  await releaseVolumeFs(
    staging,
    disks.flatMap((d) => (d.format === 'raw' ? [d.source] : [])),
  );
  for (const m of (await mountsUnder(staging)).reverse()) await unmountAll(m);
}

/**
 * Unmounts `path` until nothing is mounted there. A busy mount (a process in the container
 * still has the file open; the driver cannot make the guest close it) is detached lazily:
 * it leaves every namespace at once and the kernel lets go of the file when the last user
 * closes it.
 */
async function unmountAll(path: string): Promise<void> {
  while (await isMountPoint(path)) {
    try {
      await runCommand('umount', [path], { timeoutMs });
    } catch (err) {
      if (!(err instanceof HostCommandError) || !/busy/i.test(err.stderr)) throw err;
      await runCommand('umount', ['-l', path], { timeoutMs });
    }
  }
}

function mount(args: ReadonlyArray<string>): Promise<void> {
  return runCommand('mount', args, { timeoutMs }).then(() => undefined);
}
