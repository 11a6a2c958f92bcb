import { hostname } from 'node:os';
import type { BenchProgress, BenchResult } from './benchmark.js';
import { skippedResult } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import type { BootKind } from './workload-bench-setup.js';
import { BenchSkip, driverOf, kindMissing } from './workload-bench-setup.js';
import { WorkloadBootClient } from './workload-boot-client.js';

/** Deletes every server over the API with a fresh admin token, and waits until all are gone. */
async function deleteAllServers(c: BenchCloud): Promise<void> {
  const setup = { computeUrl: `${c.publicUrl}/compute/v2.1`, token: await c.issueAdminToken() };
  await new WorkloadBootClient(c, { ...setup, imageIds: {}, flavorIds: {} }).removeAll();
}

/** Whatever the local host's driver still runs; the safety net when API deletes failed. */
async function destroyLeftovers(c: BenchCloud): Promise<number> {
  const driver = c.cloud.compute.agents.driver(hostname());
  if (driver === undefined) return 0;
  const left = await driver.list();
  for (const w of left) await driver.destroy(w.workloadId, AbortSignal.timeout(60_000));
  return left.length;
}

async function cleanUp(c: BenchCloud, name: string, progress: BenchProgress): Promise<void> {
  try {
    await deleteAllServers(c);
  } catch (err) {
    progress(`${name}: deleting servers over the API failed: ${(err as Error).message}`);
  }
  const left = await destroyLeftovers(c);
  if (left > 0) progress(`${name}: destroyed ${left} workloads the API left behind`);
}

/**
 * Runs `fn` on a fresh bench cloud whose local host runs the drivers of `kinds`, or
 * returns a skipped result naming what this machine lacks. Every server is deleted over
 * the API before the cloud closes, and then anything the driver still runs is destroyed
 * directly: QEMU processes and containers outlive their agent by design, and the data
 * directory they live in is deleted with the cloud.
 */
export async function runWorkloadBench(
  name: string,
  kinds: ReadonlyArray<BootKind>,
  progress: BenchProgress,
  fn: (c: BenchCloud) => Promise<BenchResult>,
): Promise<BenchResult> {
  const missing = kinds.map(kindMissing).filter((m) => m !== undefined);
  if (missing.length > 0) return skippedResult(name, missing.join('; '));
  const computeDriver = kinds.map((k) => driverOf[k]).join(',');
  try {
    return await withBenchCloud(
      64,
      async (c) => {
        try {
          return await fn(c);
        } finally {
          await cleanUp(c, name, progress);
        }
      },
      { computeDriver },
    );
  } catch (err) {
    if (err instanceof BenchSkip) return skippedResult(name, err.message);
    throw err;
  }
}
