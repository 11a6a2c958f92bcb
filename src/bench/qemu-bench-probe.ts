import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readVmRecord, workloadPaths } from '../agent/drivers/qemu/qemu-workload.js';
import type { BenchCloud } from './bench-cloud.js';
import { procMemory } from './strata-process.js';

/** Where the qemu driver of the bench cloud's host keeps each VM (`hostDriver`'s layout). */
const qemuPaths = (c: BenchCloud, id: string) => workloadPaths(join(c.dataDir, 'instances', 'qemu'), id);

/** The accelerators the VMs' QEMU processes were started with (each VM's vm.json), deduplicated. */
export async function vmAccelerators(c: BenchCloud, ids: ReadonlyArray<string>): Promise<string[]> {
  const records = await Promise.all(ids.map((id) => readVmRecord(qemuPaths(c, id).record)));
  return [...new Set(records.map((r) => r?.accelerator ?? 'no vm.json'))];
}

/**
 * The QEMU process of a VM: the pid in the handle the agent stored on the server row
 * (servers.workload_handle), else the driver's pidfile.
 */
export async function qemuPid(c: BenchCloud, id: string): Promise<number | undefined> {
  const row = await c.cloud.store.db
    .selectFrom('servers')
    .select('workload_handle')
    .where('id', '=', id)
    .executeTakeFirst();
  const handle = row?.workload_handle == null ? undefined : (JSON.parse(row.workload_handle) as unknown);
  const pid = (handle as { state?: { pid?: unknown } } | undefined)?.state?.pid;
  if (typeof pid === 'number') return pid;
  const text = await readFile(qemuPaths(c, id).pidfile, 'utf8').catch(() => '');
  const fromFile = Number.parseInt(text.trim(), 10);
  return Number.isInteger(fromFile) ? fromFile : undefined;
}

/** Summed VmRSS of the VMs' QEMU processes, in MiB, and how many were found. */
export async function qemuRss(
  c: BenchCloud,
  ids: ReadonlyArray<string>,
): Promise<{ readonly totalMiB: number; readonly found: number }> {
  let totalMiB = 0;
  let found = 0;
  for (const id of ids) {
    const pid = await qemuPid(c, id);
    if (pid === undefined) continue;
    try {
      totalMiB += procMemory(pid).rssMiB;
      found++;
    } catch {
      // the process is gone: it adds nothing
    }
  }
  return { totalMiB, found };
}
