import { spawn } from 'node:child_process';
import type { RunResult } from '../../../host/command.js';
import { runCommand } from '../../../host/command.js';

/**
 * Runs a shell script inside a running container, for tests. Not `runc exec`: runc 1.1
 * joins the user namespace first and then may not join the network namespace the driver
 * made (owned by the host's user namespace), so it fails for every confined container with
 * NICs. nsenter joins all of the init process's namespaces in an order that works, as root
 * of the container's user namespace, with its root and working directory.
 */
export async function execInContainer(runcRoot: string, id: string, script: string): Promise<RunResult> {
  return runCommand('nsenter', await nsenterArgs(runcRoot, id, script), { timeoutMs: 20_000 });
}

/** The same, left running in the background (it dies with the container's PID namespace). */
export async function execDetached(runcRoot: string, id: string, script: string): Promise<void> {
  const child = spawn('nsenter', await nsenterArgs(runcRoot, id, script), {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}

async function nsenterArgs(runcRoot: string, id: string, script: string): Promise<string[]> {
  const state = await runCommand('runc', ['--root', runcRoot, 'state', id], { timeoutMs: 20_000 });
  const { pid } = JSON.parse(state.stdout) as { pid: number };
  return ['-t', String(pid), '--all', '-r', '-w', '/bin/sh', '-c', script];
}
