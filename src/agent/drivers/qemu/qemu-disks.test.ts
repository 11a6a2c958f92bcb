import { workloadSpec } from '../workload-spec-defaults.js';
import { describe, expect, it } from 'vitest';
import type { WorkloadDevice, WorkloadDisk, WorkloadNic, WorkloadSpec } from '../driver.js';
import { recordFor } from './qemu-disks.js';

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
