import { workloadSpec } from '../workload-spec-defaults.js';
import { describe, expect, it } from 'vitest';
import type { WorkloadDevice, WorkloadDisk, WorkloadNic, WorkloadSpec } from '../driver.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkGrowable,
  growRootDisk,
  keepForRevert,
  recordFor,
  restoreKept,
  volumeBackedImage,
} from './qemu-disks.js';
import { workloadPaths, writeVmRecord } from './qemu-workload.js';

const nic = (id: string, mtu = 1500): WorkloadNic => ({
  portId: id,
  networkId: 'n',
  mac: 'fa:16:3e:00:00:01',
  mtu,
  hostName: `tap${id}`,
  fixedIps: [],
});
const disk = (id: string): WorkloadDisk => ({
  volumeId: id,
  source: `/v/${id}`,
  format: 'raw',
  readOnly: false,
});
const spec = (nics: WorkloadNic[], disks: WorkloadDisk[]): WorkloadSpec =>
  workloadSpec({
    workloadId: 'vm-1',
    name: 'vm',
    hostname: 'vm',
    kind: 'vm',
    memoryMb: 128,
    image: { id: 'img', diskFormat: 'qcow2', containerFormat: 'bare', properties: {} },
    projectId: 'p',
    configDrive: true,
    nics,
    disks,
  });
const image = { id: 'img', diskFormat: 'qcow2' as const, basePath: '/cache/img' };
const ids = (devices: ReadonlyArray<WorkloadDevice>) =>
  devices.map((d) => (d.kind === 'nic' ? `nic:${d.nic.portId}` : `disk:${d.disk.volumeId}`));

describe('qemu-disks recordFor', () => {
  it("takes the spec's NICs, then its disks, at create", () => {
    const rec = recordFor(spec([nic('a'), nic('b')], [disk('v1')]), image);
    expect(ids(rec.devices)).toEqual(['nic:a', 'nic:b', 'disk:v1']);
  });

  it('keeps devices attached since (resize, rebuild, revert), taking the spec version of one it names', () => {
    const prev = recordFor(spec([nic('a')], []), image);
    const attached = { ...prev, devices: [...prev.devices, { kind: 'disk' as const, disk: disk('hot') }] };
    const next = recordFor(spec([nic('a', 9000), nic('c')], [disk('v2')]), image, attached);
    expect(ids(next.devices)).toEqual(['nic:a', 'disk:hot', 'nic:c', 'disk:v2']);
    expect(next.devices[0]).toEqual({ kind: 'nic', nic: nic('a', 9000) });
  });
});

describe('qemu-disks resize of a volume-backed VM', () => {
  const volumeBacked = recordFor(spec([], [{ ...disk('root'), bootIndex: 0 }]), volumeBackedImage);

  it('keeps and restores only the record: the root is the volume, there is no local disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-qemu-keep-'));
    try {
      const paths = workloadPaths(dir, 'vm-1');
      mkdirSync(paths.dir, { recursive: true });
      await writeVmRecord(paths.record, volumeBacked);
      await checkGrowable(paths, volumeBacked, 1);
      await keepForRevert(paths, volumeBacked);
      await growRootDisk(paths, volumeBacked, 1);
      expect([existsSync(paths.keptRecord), existsSync(paths.keptDisk), existsSync(paths.disk)]).toEqual([
        true,
        false,
        false,
      ]);
      expect(await restoreKept(paths)).toEqual(volumeBacked);
      expect([existsSync(paths.keptRecord), existsSync(paths.disk)]).toEqual([false, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still needs the kept disk of an image-backed VM to restore it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-qemu-keep-'));
    try {
      const paths = workloadPaths(dir, 'vm-1');
      mkdirSync(paths.dir, { recursive: true });
      const imageBacked = recordFor(spec([], []), image);
      await writeVmRecord(paths.keptRecord, imageBacked);
      expect(await restoreKept(paths)).toBeUndefined();
      await expect(keepForRevert({ ...paths, keptRecord: join(dir, 'none') }, imageBacked)).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
