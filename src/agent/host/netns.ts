import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostCommandError, runCommand } from './command.js';
import type { RunResult } from './command.js';

/** Where `ip netns` keeps named network namespaces (a bind mount of the namespace per name). */
export const netnsDir = '/run/netns';
const timeoutMs = 30_000;

export function netnsPath(name: string): string {
  return `${netnsDir}/${name}`;
}

/**
 * `ip` in a named network namespace (`ip -n`), or in the agent's own when `netns` is
 * undefined.
 */
export function ipIn(netns: string | undefined, args: ReadonlyArray<string>): Promise<RunResult> {
  return runCommand('ip', [...(netns === undefined ? [] : ['-n', netns]), ...args], { timeoutMs });
}

/**
 * Several `ip` commands (one per line, no global options) in one run: entering a namespace
 * costs a process and a sysfs mount each time, so a NIC's addresses and routes go together.
 * Stops at the first that fails.
 */
export async function ipBatch(netns: string | undefined, lines: ReadonlyArray<string>): Promise<void> {
  if (lines.length === 0) return;
  const file = join(tmpdir(), `strata-ip-${randomUUID()}.batch`);
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  try {
    await ipIn(netns, ['-batch', file]);
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * Whether the named namespace is there: its name is a mounted nsfs file (a file with nothing
 * mounted on it is a stale name left by a crash). Read from the mount table, not by running
 * `ip`, since this is asked on every create and start.
 */
export async function netnsExists(name: string): Promise<boolean> {
  const path = netnsPath(name);
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table.split('\n').some((line) => {
    const [fields = '', fs = ''] = line.split(' - ');
    return fs.startsWith('nsfs ') && fields.split(' ')[4] === path;
  });
}

/**
 * Creates the named namespace unless it is already there; true when it created it. A stale
 * name (its file there but no namespace behind it) is removed and created again. Loopback
 * is left down (a namespace runc creates gets it up from runc; one joined by path does
 * not): the caller brings it up in the same `ip` run as the rest of what it sets inside.
 */
export async function ensureNetns(name: string): Promise<boolean> {
  if (await netnsExists(name)) return false;
  if (existsSync(netnsPath(name))) await deleteNetns(name);
  await runCommand('ip', ['netns', 'add', name], { timeoutMs });
  return true;
}

/**
 * Removes the name; the kernel frees the namespace, and every veth with an end in it, once
 * no process is left in it. Resolves when there is no such name.
 */
export async function deleteNetns(name: string): Promise<void> {
  try {
    await runCommand('ip', ['netns', 'delete', name], { timeoutMs });
  } catch (err) {
    if (err instanceof HostCommandError && /No such file/i.test(err.stderr)) return;
    throw err;
  }
}
