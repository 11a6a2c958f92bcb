import { pidsMentioning } from './testing/process-scan.js';
import { workloadSpec } from '../workload-spec-defaults.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { findHostKernel } from '../../test-images/kernel-modules.js';
import { guestMarker } from '../../test-images/vm-guest-files.js';
import { buildVmTestImage, type VmTestImage } from '../../test-images/vm-image.js';
import { runDriverContract, type ContractFixtures } from '../driver.contract.js';
import type { WorkloadSpec } from '../driver.js';
import { settleOnMarker, sparseRawDisk, uniqueNic } from '../testing/contract-context.js';
import { createQemuDriver } from './qemu-driver.js';
import { workloadPaths } from './qemu-workload.js';

const tools = ['qemu-system-x86_64', 'qemu-img', 'xorriso', 'mkfs.vfat', 'mcopy', 'syslinux'];
const canBoot =
  process.getuid?.() === 0 &&
  tools.every((t) => hasCommand(t)) &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;

// One VM per case group (boots are the expensive part under TCG); see driver.contract.ts.
describe.skipIf(!canBoot)('qemu driver contract (boots the VM test image)', () => {
  let root = '';
  let image: VmTestImage;
  const taps: string[] = [];
  const stateDir = () => join(root, 'state');
  const cacheDir = () => join(root, 'cache');

  const spec = (workloadId: string, over: Partial<WorkloadSpec> = {}): WorkloadSpec =>
    workloadSpec({
      workloadId,
      name: 'contract',
      hostname: 'contract',
      kind: 'vm',
      image: {
        id: 'test-image',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        path: image.path,
        properties: {},
      },
      availabilityZone: 'nova',
      ...over,
    });

  const fixtures: ContractFixtures = {
    newId: () => crypto.randomUUID(),
    spec,
    badSpecs: () => [
      {
        why: 'a missing image file',
        spec: spec(crypto.randomUUID(), { image: { ...spec('x').image, path: join(root, 'no-such.qcow2') } }),
      },
      {
        why: 'a disk format QEMU cannot boot',
        spec: spec(crypto.randomUUID(), { image: { ...spec('x').image, diskFormat: 'vmdk' } }),
      },
      { why: 'an invalid id', spec: spec('../escape') },
    ],
    get stateDir() {
      return stateDir();
    },
    settle: settleOnMarker(`${guestMarker} ready`),
    processesOf: async (id) => pidsMentioning(workloadPaths(stateDir(), id).pidfile).length,
    async memoryMbOf(h) {
      const pid = (await readFile(workloadPaths(stateDir(), h.workloadId).pidfile, 'utf8')).trim();
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      return parseInt(argv[argv.indexOf('-m') + 1] ?? '', 10);
    },
    nic() {
      const nic = uniqueNic('ct');
      taps.push(nic.hostName);
      return nic;
    },
    disk: () => sparseRawDisk(join(root, 'disks')),
    stopTimeoutMs: 20_000,
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-qc-'));
    mkdirSync(join(root, 'disks'));
    image = await buildVmTestImage({ cacheDir: join(root, 'images') });
  });

  afterAll(async () => {
    if (!root) return;
    const driver = createQemuDriver({ stateDir: stateDir(), cacheDir: cacheDir() });
    for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    for (const tap of taps) await runCommand('ip', ['link', 'del', tap]).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  runDriverContract(
    'qemu',
    async () =>
      createQemuDriver({ stateDir: stateDir(), cacheDir: cacheDir() }, { gracefulTimeoutMs: 20_000 }),
    { fixtures },
  );
});
