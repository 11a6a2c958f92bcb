import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostCommandError, runCommand } from '../../host/command.js';

export type RootfsMode = 'overlay' | 'copy';

/** A workload's writable root: where its layers live inside the workload dir. */
export interface RootfsLayout {
  /** What the container sees as `/` (the overlay mount point, or the copy). */
  readonly merged: string;
  readonly upper: string;
  readonly work: string;
}

export function rootfsLayout(workloadDir: string): RootfsLayout {
  return {
    merged: join(workloadDir, 'rootfs'),
    upper: join(workloadDir, 'upper'),
    work: join(workloadDir, 'work'),
  };
}

/**
 * Whether overlayfs mounts work under `dir` (the kernel may lack it, or `dir` may sit on a
 * filesystem overlay refuses as an upper layer): one trial mount, then cleaned up.
 */
export async function overlayUsable(dir: string): Promise<boolean> {
  const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  if (!/\toverlay$/m.test(filesystems)) await runCommand('modprobe', ['overlay']).catch(() => undefined);
  const probe = join(dir, `.overlay-probe-${process.pid}-${Date.now()}`);
  const l = { merged: join(probe, 'm'), upper: join(probe, 'u'), work: join(probe, 'w') };
  try {
    await mkdir(join(probe, 'l'), { recursive: true });
    await mountOverlay(join(probe, 'l'), l);
    await unmount(l.merged);
    return true;
  } catch {
    return false;
  } finally {
    await unmount(l.merged).catch(() => undefined);
    await rm(probe, { recursive: true, force: true });
  }
}

/** Gives the workload its root: an overlay on the cached image (idempotent), or a full copy. */
export async function prepareRootfs(mode: RootfsMode, lower: string, l: RootfsLayout): Promise<void> {
  if (mode === 'overlay') return mountOverlay(lower, l);
  // The marker sits beside the copy, so an interrupted copy is redone and the guest never sees it.
  const done = `${l.merged}.copied`;
  if (await pathExists(done)) return;
  await rm(l.merged, { recursive: true, force: true });
  // GNU cp keeps owners, modes, links and times; reflinks make it cheap where the fs can.
  await runCommand('cp', ['-a', '--reflink=auto', lower, l.merged], { timeoutMs: 30 * 60_000 });
  await writeFile(done, '');
}

export async function mountOverlay(lower: string, l: RootfsLayout): Promise<void> {
  if (await isMountPoint(l.merged)) return;
  await mkdir(l.upper, { recursive: true });
  await mkdir(l.work, { recursive: true });
  await mkdir(l.merged, { recursive: true });
  // metacopy: giving the image's files to a container's user namespace root (a chown of
  // each) copies up their metadata only, not their data. Safe here: the lower layers are
  // unpacked by the driver, which never writes overlay xattrs, and the guest cannot set them.
  const options = `lowerdir=${lower},upperdir=${l.upper},workdir=${l.work},metacopy=on`;
  await runCommand('mount', ['-t', 'overlay', 'overlay', '-o', options, l.merged], { timeoutMs: 30_000 });
}

/** Unmounts `path` when mounted; a busy mount is detached lazily rather than left behind. */
export async function unmount(path: string): Promise<void> {
  while (await isMountPoint(path)) {
    try {
      await runCommand('umount', [path], { timeoutMs: 30_000 });
    } catch (err) {
      if (!(err instanceof HostCommandError)) throw err;
      await runCommand('umount', ['-l', path], { timeoutMs: 30_000 });
    }
  }
}

/** Mount points at or below `dir`, from this process's mount table. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table
    .split('\n')
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await mountsUnder(path)).includes(path);
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
export function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

async function pathExists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Removes the workload's root (overlay unmounted first, so nothing is deleted through it). */
export async function removeRootfs(l: RootfsLayout): Promise<void> {
  await unmount(l.merged);
  for (const p of [l.merged, `${l.merged}.copied`, l.upper, l.work])
    await rm(p, { recursive: true, force: true });
}

/** The lower dirs of every overlay mounted on this host (an image cache entry under one is in use). */
export async function overlayLowerDirs(): Promise<Set<string>> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  const lowers = new Set<string>();
  for (const line of table.split('\n')) {
    const [, after] = line.split(' - ');
    const [fstype, , options = ''] = (after ?? '').split(' ');
    if (fstype !== 'overlay') continue;
    const lower = options.split(',').find((o) => o.startsWith('lowerdir='));
    for (const dir of lower?.slice('lowerdir='.length).split(':') ?? []) lowers.add(unescapeMountPath(dir));
  }
  return lowers;
}
