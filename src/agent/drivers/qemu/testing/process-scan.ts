import { readdirSync, readFileSync } from 'node:fs';

/** Pids of every process whose command line mentions `text` (leak checks and cleanup in tests). */
export function pidsMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter((pid) => pid !== process.pid);
}
