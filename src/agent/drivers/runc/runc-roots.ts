import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
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
  await unmount(target);
  await mkdir(target, { recursive: true, mode: 0o700 });
  await runCommand('mount', ['--bind', root, target], { timeoutMs: 30_000 });
}

export async function hideRoot(target: string): Promise<void> {
  await unmount(target);
  if (!(await isMountPoint(target))) await rm(target, { recursive: true, force: true });
}
