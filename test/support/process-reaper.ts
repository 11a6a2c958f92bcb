import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Stops a `strata up` or `strata agent` the tests started: SIGTERM, then SIGKILL to its
 * whole process group (it was spawned detached, so the group is its own) when it does not
 * exit in time, and SIGKILL to whatever of the group is left once it has.
 */
export async function stopProcessGroup(child: ChildProcess, exited: Promise<unknown>, graceMs = 20_000) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') killGroup(child.pid);
    await exited;
  }
  killGroup(child.pid);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/**
 * Removes what workloads left under a data directory outside the Strata process: runc
 * containers (and their network namespaces), processes whose command line or root is in
 * the directory (QEMU, container processes), and mounts (rootfs overlays, volumes).
 * Workloads outlive `strata up` by design, so a test's cleanup must end them itself.
 */
export function reapWorkloadsUnder(dataDir: string): void {
  for (const root of runcRoots(dataDir)) deleteRuncContainers(root);
  killProcessesUnder(dataDir);
  unmountUnder(dataDir);
}

function runcRoots(dir: string, depth = 4): string[] {
  if (depth === 0 || !existsSync(dir)) return [];
  const found: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.isSymbolicLink()) continue;
    if (e.name === '.runc') found.push(join(dir, e.name));
    else if (!['rootfs', 'merged', 'upper', 'lower', 'work'].includes(e.name))
      found.push(...runcRoots(join(dir, e.name), depth - 1));
  }
  return found;
}

function deleteRuncContainers(root: string): void {
  const ids = quiet('runc', ['--root', root, 'list', '-q'])?.split('\n').filter(Boolean) ?? [];
  for (const id of ids) {
    quiet('runc', ['--root', root, 'delete', '--force', id]);
    // The runc driver names each container's network namespace after the workload.
    quiet('ip', ['netns', 'delete', `strata-${id}`]);
  }
}

function killProcessesUnder(dir: string): void {
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const root = readlinkSync(`/proc/${pid}/root`);
      if (cmd.includes(dir) || root.startsWith(dir)) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already, or not ours to read.
    }
  }
}

function unmountUnder(dir: string): void {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((p) => p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) quiet('umount', ['-l', p]);
}

function quiet(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).toString();
  } catch {
    return undefined;
  }
}
