import { lchown, lstat, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HostCommandError, runCommand } from '../../host/command.js';
import type { WorkloadDisk } from '../driver.js';
import type { IdMap } from './runc-idmap.js';
import { rangeSize } from './runc-idmap.js';
import { isMountPoint } from './rootfs.js';
import { growFsToDevice } from './runc-volume-grow.js';
import { loopsOn, qmpSocketOf } from './runc-volume-loops.js';

const timeoutMs = 60_000;

/**
 * A volume as a container sees it: a filesystem mounted at `<volumes dir>/<volume id>`,
 * on the host, under the shared directory that propagates into the container:
 *
 *   qcow2 file ─qemu-storage-daemon (FUSE export)─► <staging>/<id>.raw ─losetup─► /dev/loopN ─mount─► <volumes>/<id>
 *   raw file ────────────────────────────────────────────────────────────losetup─► /dev/loopN ─mount─► <volumes>/<id>
 *
 * An empty volume gets ext4 first (blkid finds no filesystem); a volume with a partition
 * table (a VM's disk) is refused, never formatted. Every step is idempotent and finds what
 * an earlier run left (a FUSE export, a loop device), so an attach replayed after kill -9
 * finishes the job, and `unmountVolumeFs` takes down whatever part exists.
 */
export async function mountVolumeFs(
  dir: string,
  staging: string,
  disk: WorkloadDisk,
  owner?: IdMap,
): Promise<void> {
  const target = join(dir, disk.volumeId);
  if (await isMountPoint(target)) return;
  await mkdir(staging, { recursive: true, mode: 0o700 });
  const raw = await rawView(staging, disk);
  const loop = await loopOf(raw, disk.readOnly);
  const probe = await blkid(loop);
  if (probe['PTTYPE'] !== undefined)
    throw new Error(
      `runc driver: volume ${disk.volumeId} has a partition table (${probe['PTTYPE']}); ` +
        'a container mounts a volume holding one filesystem',
    );
  if (probe['TYPE'] === undefined) {
    if (disk.readOnly)
      throw new Error(`runc driver: read-only volume ${disk.volumeId} has no filesystem to mount`);
    await run('mkfs.ext4', ['-q', '-L', disk.volumeId.slice(0, 16), loop]);
  } else if (probe['TYPE'] === 'ext4' && !disk.readOnly) await growFsToDevice(loop);
  await mkdir(target, { recursive: true, mode: 0o755 });
  // nosuid, nodev: a tenant's volume never brings set-id files or device nodes to the host.
  await run('mount', ['-o', disk.readOnly ? 'ro,nosuid,nodev' : 'nosuid,nodev', loop, target]);
  if (!disk.readOnly) await adoptOwners(target, owner?.hostId ?? 0);
}

/** Unmounts the volume and takes down its loop device and FUSE export; resolves when none is there. */
export async function unmountVolumeFs(dir: string, staging: string, volumeId: string, source?: string) {
  const target = join(dir, volumeId);
  await unmountAll(target);
  // The mount point: a directory, or a file where an older driver bound the volume's file.
  await rmdir(target).catch(() => rm(target, { force: true }));
  const raw = join(staging, `${volumeId}.raw`);
  for (const backing of [raw, ...(source !== undefined ? [source] : [])]) await detachLoops(backing);
  await stopExport(staging, volumeId);
}

/** Every volume's loop devices and FUSE exports under `staging` (destroy, and cleanup after kill -9). */
export async function releaseVolumeFs(staging: string, sources: ReadonlyArray<string>): Promise<void> {
  const names = await readdir(staging).catch(() => [] as string[]);
  for (const s of sources) await detachLoops(s);
  for (const n of names.filter((x) => x.endsWith('.raw'))) await detachLoops(join(staging, n));
  for (const n of names.filter((x) => x.endsWith('.qsd.pid'))) await stopExport(staging, n.slice(0, -8));
}

/**
 * A raw view of the disk: a raw file is its own; a qcow2 file is exported as a raw file over
 * FUSE by a qemu-storage-daemon of its own (daemonized: it outlives the agent, as the
 * container does). An export still mounted is reused.
 */
async function rawView(staging: string, disk: WorkloadDisk): Promise<string> {
  if (disk.format === 'raw') return disk.source;
  const raw = join(staging, `${disk.volumeId}.raw`);
  if (await isMountPoint(raw)) return raw;
  await stopExport(staging, disk.volumeId);
  await writeFile(raw, '', { flag: 'a', mode: 0o600 });
  const qmp = qmpSocketOf(staging, disk.volumeId);
  await mkdir(dirname(qmp), { recursive: true, mode: 0o700 });
  const file = { driver: 'file', filename: disk.source };
  const node = { driver: 'qcow2', 'node-name': 'vol', 'read-only': disk.readOnly, file };
  await run('qemu-storage-daemon', [
    '--blockdev',
    JSON.stringify(node),
    '--export',
    `type=fuse,id=exp,node-name=vol,mountpoint=${raw},writable=${disk.readOnly ? 'off' : 'on'}`,
    '--chardev',
    `socket,id=qmp,path=${qmp},server=on,wait=off`,
    '--monitor',
    'chardev=qmp',
    '--pidfile',
    pidfileOf(staging, disk.volumeId),
    '--daemonize',
  ]);
  return raw;
}

/** The loop device on `file`, made when there is none (read-only for a read-only disk). */
async function loopOf(file: string, readOnly: boolean): Promise<string> {
  const existing = await loopsOn(file);
  if (existing[0] !== undefined) return existing[0];
  const { stdout } = await run('losetup', ['--find', '--show', ...(readOnly ? ['--read-only'] : []), file]);
  return stdout.trim();
}

/** Detaches the loop devices on `file`; one still in use (a lazy unmount) goes when released. */
async function detachLoops(file: string): Promise<void> {
  for (const loop of await loopsOn(file)) await run('losetup', ['--detach', loop]).catch(() => undefined);
}

/** `blkid -p` of the device as key/values; empty when it finds nothing (exit 2). */
async function blkid(device: string): Promise<Record<string, string>> {
  try {
    const { stdout } = await run('blkid', ['-p', '-o', 'export', device]);
    return Object.fromEntries(
      stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  } catch (err) {
    if (err instanceof HostCommandError && err.exitCode === 2) return {};
    throw err;
  }
}

/**
 * Gives the files the owners they have in this container: ids are kept modulo the user
 * namespace range (every range starts at a multiple of it), so a file of uid 1000 written
 * in one container is uid 1000 in the next one too, and uid 1000 on a host without a user
 * namespace. Skipped when the volume's root already belongs to the range.
 */
async function adoptOwners(root: string, base: number): Promise<void> {
  const top = await lstat(root);
  if (top.uid - (top.uid % rangeSize) === base) return;
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    if (st.isDirectory() && st.dev !== top.dev) return;
    await lchown(path, base + (st.uid % rangeSize), base + (st.gid % rangeSize));
    if (st.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(root);
}

/** Unix socket paths are short (107 bytes): the daemons' QMP sockets live here, named by a hash. */

function pidfileOf(staging: string, volumeId: string): string {
  return join(staging, `${volumeId}.qsd.pid`);
}

/** Ends the volume's qemu-storage-daemon (SIGTERM, then SIGKILL) and removes its FUSE file. */
async function stopExport(staging: string, volumeId: string): Promise<void> {
  const pidfile = pidfileOf(staging, volumeId);
  const pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim());
  if (pid > 0 && (await isStorageDaemon(pid))) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && (await isStorageDaemon(pid)); i++) await new Promise((r) => setTimeout(r, 100));
    if (await isStorageDaemon(pid)) process.kill(pid, 'SIGKILL');
  }
  const raw = join(staging, `${volumeId}.raw`);
  // A daemon killed -9 leaves its FUSE mount behind, disconnected.
  await unmountAll(raw);
  await rm(raw, { force: true });
  await rm(pidfile, { force: true });
  await rm(qmpSocketOf(staging, volumeId), { force: true });
}

async function isStorageDaemon(pid: number): Promise<boolean> {
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmd.startsWith('qemu-storage-daemon') || cmd.includes('/qemu-storage-daemon\0');
}

/** Unmounts until nothing is mounted at `path`; a busy mount is detached lazily. */
async function unmountAll(path: string): Promise<void> {
  while (await isMountPoint(path)) {
    try {
      await run('umount', [path]);
    } catch (err) {
      if (!(err instanceof HostCommandError) || !/busy/i.test(err.stderr)) throw err;
      await run('umount', ['-l', path]);
    }
  }
}

function run(cmd: string, args: ReadonlyArray<string>) {
  return runCommand(cmd, args, { timeoutMs });
}
