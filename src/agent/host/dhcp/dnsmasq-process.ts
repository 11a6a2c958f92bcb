import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { runCommand } from '../command.js';

/**
 * The pid of the dnsmasq that wrote `pidFile` and still runs with exactly `args`, else
 * undefined. The command line is checked so a recycled pid is never taken for it; `inNetns`
 * (a namespace's path) tells whether it still serves in the namespace of that name, as one
 * left in a namespace whose name was deleted and made again does not.
 */
export async function runningDnsmasq(
  pidFile: string,
): Promise<{ pid: number; args: string[]; inNetns: (path: string) => Promise<boolean> } | undefined> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  const args = cmdline(pid);
  if (args === undefined || !args[0]?.endsWith('dnsmasq') || !args.includes(`--pid-file=${pidFile}`))
    return undefined;
  return { pid, args: args.slice(1), inNetns: (path) => sameNetns(pid, path) };
}

async function sameNetns(pid: number, netnsPath: string): Promise<boolean> {
  try {
    const link = readlinkSync(`/proc/${pid}/ns/net`);
    return link === `net:[${(await stat(netnsPath)).ino}]`;
  } catch {
    return false;
  }
}

/** Starts dnsmasq in the namespace; it daemonizes and returns once it is serving (or failed). */
export async function startDnsmasq(netns: string, args: ReadonlyArray<string>): Promise<void> {
  await runCommand('ip', ['netns', 'exec', netns, 'dnsmasq', ...args], { timeoutMs: 30_000 });
}

/** Makes dnsmasq re-read its hosts, options and names files. */
export function reloadDnsmasq(pid: number): void {
  process.kill(pid, 'SIGHUP');
}

/** Stops it: SIGTERM, then SIGKILL after a second; resolves once the process is gone. */
export async function stopDnsmasq(pid: number): Promise<void> {
  signal(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(pid); i++) {
    if (i === 20) signal(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every dnsmasq started with this pid file, even one whose pid file was lost. */
export function dnsmasqPidsFor(pidFile: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const args = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        return args[0]?.endsWith('dnsmasq') === true && args.includes(`--pid-file=${pidFile}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Running and not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function cmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}
