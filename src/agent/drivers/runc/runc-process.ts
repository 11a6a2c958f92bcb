import { readFile } from 'node:fs/promises';

/**
 * Whether a pid no longer runs: gone, or a zombie. Containers are reparented to the host's
 * init once runc exits, and not every init reaps promptly.
 */
export async function processGone(pid: number): Promise<boolean> {
  if (pid <= 0) return true;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return true;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
