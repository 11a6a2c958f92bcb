import type { ChildProcess } from 'node:child_process';

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
