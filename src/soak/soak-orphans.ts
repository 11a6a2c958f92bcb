import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { SoakContext } from './soak-context.js';
import type { SoakTally } from './soak-tally.js';
import { soakContainers } from './soak-faults.js';
import { defaultRootsDir, exposedRootPath } from '../agent/drivers/runc/runc-roots.js';

const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/**
 * With every server deleted, nothing of a workload may remain: no runc container under
 * the soak's root, no workload folder under instances/<driver>/, no exposed container
 * root, no mount below the data dir.
 */
export async function checkNoWorkloadLeft(ctx: SoakContext, dataDir: string, serverIds: Iterable<string>) {
  for (const c of await soakContainers(dataDir))
    ctx.tally.violation(`orphan runc container ${c.id} (${c.status}, pid ${c.pid})`);
  const instances = join(dataDir, 'instances');
  for (const driver of entries(instances))
    for (const name of entries(join(instances, driver)).filter((n) => !n.startsWith('.')))
      ctx.tally.violation(`orphan workload folder instances/${driver}/${name}`);
  for (const id of serverIds)
    if (existsSync(exposedRootPath(defaultRootsDir, id)))
      ctx.tally.violation(`orphan container root ${exposedRootPath(defaultRootsDir, id)}`);
  for (const mount of mountsBelow(dataDir)) ctx.tally.violation(`orphan mount ${mount}`);
}

/** Mount points strictly below `dir`, from /proc/self/mountinfo (field 5). */
export function mountsBelow(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${dir}/`));
}

/** Every stored image file is an image that exists; nothing stays in staging once uploads ended. */
export async function checkImageFiles(ctx: SoakContext, dataDir: string): Promise<void> {
  const root = join(dataDir, 'images');
  for (const name of entries(root)) {
    if (name === 'staging') continue;
    const reply = await ctx.api.call({ op: 'image show', method: 'GET', path: `/image/v2/images/${name}` });
    if (reply !== 'lost' && reply.status === 404) ctx.tally.violation(`orphan image file images/${name}`);
  }
  for (const name of entries(join(root, 'staging')))
    ctx.tally.violation(`orphan staged image data images/staging/${name}`);
}

/**
 * After the control plane stopped: none of its processes, nothing naming the data dir, and
 * no process whose root is a soak container's (under the data dir, or its exposed root).
 */
export function checkNoProcessLeft(
  tally: SoakTally,
  dataDir: string,
  pids: ReadonlyArray<number>,
  serverIds: Iterable<string>,
): void {
  for (const pid of pids)
    if (existsSync(`/proc/${pid}`)) tally.violation(`strata up pid ${pid} still running after stop`);
  const roots = [dataDir, ...[...serverIds].map((id) => exposedRootPath(defaultRootsDir, id))];
  for (const pid of entries('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)) {
    const seen = processOf(pid);
    if (seen === undefined) continue;
    if (seen.cmdline.includes(dataDir) || roots.some((r) => seen.root === r || seen.root.startsWith(`${r}/`)))
      tally.violation(`orphan process ${pid} (root ${seen.root}): ${seen.cmdline.slice(0, 200)}`);
  }
}

/** A process's command line and root directory, or undefined once it has ended. */
function processOf(pid: string): { cmdline: string; root: string } | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return { cmdline, root: readlinkSync(`/proc/${pid}/root`) };
  } catch {
    return undefined; // it ended while we looked (or is not ours to read)
  }
}
