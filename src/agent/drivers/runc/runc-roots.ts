import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { netnsPath } from '../../host/netns.js';
import { dirname, join } from 'node:path';
import { runCommand } from '../../host/command.js';
import { isMountPoint, unmount } from './rootfs.js';

/**
 * Where a user-namespaced container's root is mounted for runc. runc mounts the root from
 * inside the new user namespace, as the container's (unprivileged) root, so every directory
 * above it must let that user through; the data dir is private to the host's root. So the
 * root (overlay or copy, which stays in the workload dir) is bound at
 * `<rootsDir>/<workload id>`, under directories anyone may pass but not list (0711), the way
 * container engines keep their roots. Nothing is stored there: a host reboot loses the
 * binds and start puts them back.
 */
export const defaultRootsDir = '/run/strata/runc-roots';

export function exposedRootPath(rootsDir: string, workloadId: string): string {
  return join(rootsDir, workloadId);
}

/** Binds `root` at the exposed path, again each time (the root below may have been remounted). */
export async function exposeRoot(root: string, target: string): Promise<void> {
  const dir = join(target, '..');
  await mkdir(dir, { recursive: true, mode: 0o711 });
  await chmod(dir, 0o711);
  await letThrough(dirname(dir));
  await unmount(target);
  await mkdir(target, { recursive: true, mode: 0o700 });
  await runCommand('mount', ['--bind', root, target], { timeoutMs: 30_000 });
}

/**
 * Lets anyone pass (not list) every directory above `dir`. Other parts of the agent make
 * /run/strata private (0700) when they come first (DHCP, router advertisements), which
 * would stop runc's unprivileged root on its way to the bound root.
 */
export async function letThrough(dir: string): Promise<void> {
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    const { mode } = await stat(d);
    if ((mode & 0o001) === 0) await chmod(d, (mode & 0o7777) | 0o011);
  }
}

export async function hideRoot(target: string): Promise<void> {
  await unmount(target);
  if (!(await isMountPoint(target))) await rm(target, { recursive: true, force: true });
}

/**
 * A sysfs for the container's network namespace, mounted from the host at `target` (the
 * container binds it at /sys). A user namespace may not mount sysfs for a network
 * namespace it does not own, and the host's /sys would show the host's interfaces; one
 * mounted while in the container's namespace shows its own (`/sys/class/net/eth0`). Made
 * again at each start: a namespace made again after a host reboot needs a new one.
 */
export async function mountNetnsSysfs(netns: string, target: string): Promise<void> {
  await unmount(target);
  await mkdir(target, { recursive: true, mode: 0o755 });
  await runCommand(
    'nsenter',
    [`--net=${netnsPath(netns)}`, 'mount', '-t', 'sysfs', '-o', 'ro,nosuid,nodev,noexec', 'sysfs', target],
    { timeoutMs: 30_000 },
  );
}

export async function unmountNetnsSysfs(target: string): Promise<void> {
  await unmount(target);
  await rm(target, { recursive: true, force: true });
}
