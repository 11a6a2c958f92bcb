import { readFileSync, readdirSync } from 'node:fs';

/** dnsmasq processes whose pid file is under `dir` (the test's own, never another's). */
export function dnsmasqUnder(dir: string): number[] {
  if (!dir) return [];
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const args = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        return args[0]?.endsWith('dnsmasq') === true && args.some((a) => a.startsWith(`--pid-file=${dir}/`));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Kills the dnsmasq processes a test started under `dir`, after a failure left them. */
export function killDnsmasqUnder(dir: string): void {
  for (const pid of dnsmasqUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
