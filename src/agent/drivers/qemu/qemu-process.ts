import { readFile } from 'node:fs/promises';
import { runCommand } from '../../host/command.js';
import { inNetns } from './qemu-taps.js';
import type { WorkloadPaths } from './qemu-workload.js';

/**
 * The pid of this workload's QEMU, or undefined when none runs. A pidfile alone could
 * name a recycled pid, so the process must also carry this workload's pidfile path on its
 * command line, and not be a zombie.
 */
export async function livePid(paths: WorkloadPaths): Promise<number | undefined> {
  const text = await readFile(paths.pidfile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  return (await isOurs(pid, paths)) ? pid : undefined;
}

async function isOurs(pid: number, paths: WorkloadPaths): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state; Z and X are dead.
    if (/^\S+ \(.*\) [ZX]/s.test(stat)) return false;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const i = argv.indexOf('-pidfile');
    return i >= 0 && argv[i + 1] === paths.pidfile;
  } catch {
    return false;
  }
}

/**
 * Starts QEMU daemonized: the command returns once the VM is set up (or with QEMU's error),
 * and the VM keeps running in its own session when the agent exits. With `netns` QEMU runs
 * in that network namespace, so the taps it creates (now or on hot attach) live there.
 */
export async function launchQemu(
  binary: string,
  args: ReadonlyArray<string>,
  netns: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const run = inNetns(netns, binary, args);
  await runCommand(run.cmd, run.args, { timeoutMs: 60_000, ...(signal && { signal }) });
}

/** Polls until the process is gone (or a zombie); false on timeout. */
export async function waitForExit(pid: number, paths: WorkloadPaths, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await isOurs(pid, paths))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

export function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
