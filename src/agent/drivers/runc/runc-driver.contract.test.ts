import { workloadSpec } from '../workload-spec-defaults.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { buildContainerTestImage, containerTestMarker } from '../../test-images/container-image.js';
import type { ContainerTestImage } from '../../test-images/container-image.js';
import { runDriverContract, type ContractFixtures } from '../driver.contract.js';
import type { WorkloadSpec } from '../driver.js';
import { settleOnMarker, sparseRawDisk, uniqueNic } from '../testing/contract-context.js';
import { mountsUnder } from './rootfs.js';
import { cgroupPathOf } from './runc-bundle.js';
import { RuncDriver } from './runc-driver.js';

const runnable = process.getuid?.() === 0 && hasCommand('runc') && existsSync('/bin/busybox');
const MiB = 1024 * 1024;

/** The memory limit runc gave the container's cgroup (v1 or v2), in MiB. */
async function cgroupMemoryMb(workloadId: string): Promise<number> {
  const v1 = join('/sys/fs/cgroup/memory', cgroupPathOf(workloadId), 'memory.limit_in_bytes');
  const file = existsSync(v1) ? v1 : join('/sys/fs/cgroup', cgroupPathOf(workloadId), 'memory.max');
  return Number(await readFile(file, 'utf8')) / MiB;
}

// One container per case group; see driver.contract.ts.
describe.skipIf(!runnable)('runc driver contract (real containers)', () => {
  let base = '';
  let image: ContainerTestImage;
  const vethEnds: string[] = [];
  const stateDir = () => join(base, 'state');
  const cacheDir = () => join(base, 'cache');

  const spec = (workloadId: string, over: Partial<WorkloadSpec> = {}): WorkloadSpec =>
    workloadSpec({
      workloadId,
      name: 'contract',
      hostname: 'contract',
      kind: 'container',
      memoryMb: 64,
      image: {
        id: 'busybox-test',
        diskFormat: 'raw',
        containerFormat: 'docker',
        path: image.path,
        properties: {},
      },
      availabilityZone: 'nova',
      configDrive: true,
      ...over,
    });

  const fixtures: ContractFixtures = {
    newId: () => crypto.randomUUID(),
    spec,
    badSpecs: () => [
      {
        why: 'a missing image file',
        spec: spec(crypto.randomUUID(), { image: { ...spec('x').image, path: join(base, 'no-such.tar') } }),
      },
      {
        why: 'a VM image (container_format bare)',
        spec: spec(crypto.randomUUID(), { image: { ...spec('x').image, containerFormat: 'bare' } }),
      },
      { why: 'an invalid id', spec: spec('../escape') },
    ],
    get stateDir() {
      return stateDir();
    },
    settle: settleOnMarker(`${containerTestMarker}: user-data-end`, 20_000),
    memoryMbOf: (h) => cgroupMemoryMb(h.workloadId),
    nic() {
      const nic = uniqueNic('ct');
      vethEnds.push(nic.hostName);
      return nic;
    },
    disk: () => sparseRawDisk(join(base, 'disks')),
    stopTimeoutMs: 5_000,
  };

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'strata-rc-'));
    mkdirSync(join(base, 'disks'));
    image = await buildContainerTestImage(join(base, 'images'));
  });

  afterAll(async () => {
    if (!base) return;
    const driver = new RuncDriver({ stateDir: stateDir(), cacheDir: cacheDir() });
    for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
    for (const end of vethEnds) await runCommand('ip', ['link', 'del', end]).catch(() => undefined);
    const left = await mountsUnder(base);
    rmSync(base, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  runDriverContract(
    'runc',
    async () => new RuncDriver({ stateDir: stateDir(), cacheDir: cacheDir(), gracefulStopMs: 5_000 }),
    { fixtures },
  );
});
