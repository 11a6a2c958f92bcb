import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../common/config.js';
import { hasCommand } from '../agent/host/command.js';
import { reapWorkloadsUnder } from '../agent/host/workload-reaper.js';
import { cloudHostNames } from '../agent/dataplane/linux/cloud-host-names.js';
import { tearDownLinuxHost } from '../agent/dataplane/linux/host-teardown.js';

export interface DownOptions {
  readonly dataDir?: string;
  readonly config?: string;
  /** Seconds the running `strata up` gets to stop after SIGTERM before SIGKILL. */
  readonly graceSeconds?: number;
}

/**
 * `strata down`: the explicit teardown of an all-in-one cloud. Stops its `strata up` (the pid
 * in `<data-dir>/strata.pid`), ends its workloads (VMs, containers, their mounts), and
 * removes what its Linux dataplane made on this machine (namespaces, dnsmasq, bridges,
 * VXLAN devices, nft tables). The data directory stays: delete it after, or `strata up`
 * again (its networks are wired again; its servers' workloads are gone). Stopping with
 * SIGTERM alone keeps all of it running, which is what a restart wants.
 */
export async function down(opts: DownOptions): Promise<void> {
  const config = loadConfig(opts, process.env, opts.config);
  const dataDir = config.dataDir;
  if (!existsSync(dataDir)) throw new Error(`no data directory ${dataDir}`);
  const stopped = await stopCloud(join(dataDir, 'strata.pid'), (opts.graceSeconds ?? 30) * 1000);
  if (stopped !== undefined) say(`stopped strata up (pid ${stopped})`);
  reapWorkloadsUnder(dataDir);
  say('ended the workloads under the data directory');
  // The Linux dataplane runs only as root with these tools: otherwise it made nothing.
  if (process.getuid?.() === 0 && hasCommand('ip') && hasCommand('nft')) {
    const names = cloudHostNames(dataDir);
    await tearDownLinuxHost({ dataDir, names });
    say(`removed the host networking of ${names.namePrefix === '' ? 'the default cloud' : names.nftTable}`);
  }
}

/** SIGTERM to the cloud's `strata up`, SIGKILL after `graceMs`; its pid, or undefined when none ran. */
async function stopCloud(pidFile: string, graceMs: number): Promise<number | undefined> {
  const pid = Number(readOrEmpty(pidFile).trim());
  rmSync(pidFile, { force: true });
  // A stale file may name a pid since reused: only a Strata `up` process is stopped.
  if (!Number.isInteger(pid) || pid <= 0 || !isStrataUp(pid)) return undefined;
  process.kill(pid, 'SIGTERM');
  for (const deadline = Date.now() + graceMs; alive(pid) && Date.now() < deadline;)
    await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return pid;
}

function isStrataUp(pid: number): boolean {
  const args = readOrEmpty(`/proc/${pid}/cmdline`).split('\0');
  return args.includes('up') && args.some((a) => /(strata|cli\/main)(\.js)?$/.test(a));
}

function alive(pid: number): boolean {
  // A zombie (exited, not yet reaped by its parent) is gone for our purposes.
  const state = readOrEmpty(`/proc/${pid}/stat`);
  return state !== '' && state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3) !== 'Z';
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function say(line: string): void {
  process.stderr.write(`strata down: ${line}\n`);
}
