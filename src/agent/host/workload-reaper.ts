import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes what workloads left under a data directory outside the Strata process: runc
 * containers (and their network namespaces), processes whose command line or root is in
 * the directory (QEMU, container processes, dnsmasq), and mounts (rootfs overlays, volumes).
 * Workloads outlive `strata up` by design, so a teardown (`strata down`, a test's cleanup)
 * must end them itself. This process and its ancestors are spared.
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
  const spared = ancestors();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || spared.has(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const root = readlinkSync(`/proc/${pid}/root`);
      if (cmd.includes(dir) || root.startsWith(dir)) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already, or not ours to read.
    }
  }
}

/** This process and its parents (a shell running `strata down --data-dir <dir>` names the dir too). */
function ancestors(): Set<number> {
  const pids = new Set<number>();
  for (let pid = process.pid; pid > 1 && !pids.has(pid);) {
    pids.add(pid);
    const stat = quietRead(`/proc/${pid}/stat`);
    // The command may hold spaces and parentheses: the parent's pid follows the last ')'.
    pid = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
  }
  return pids;
}

/**
 * Mounts under the directory, and those elsewhere made of it (runc's bind of a container's
 * overlay at /run/strata/runc-roots/<id>, whose lowerdir is in the data dir): unmounted,
 * and an outside mount point's now empty directory removed.
 */
function unmountUnder(dir: string): void {
  const inside = `${dir}/`;
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(inside))
    .map((line) => line.split(' ')[4] ?? '')
    .sort((a, b) => b.length - a.length);
  for (const p of points) {
    quiet('umount', ['-l', p]);
    if (!p.startsWith(inside)) quietRun(() => rmdirSync(p));
  }
}

function quietRead(path: string): string | undefined {
  return quietRun(() => readFileSync(path, 'utf8'));
}

function quietRun<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

function quiet(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).toString();
  } catch {
    return undefined;
  }
}
