import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import type { WorkloadDevice } from '../driver.js';
import { deviceIds } from './qemu-devices.js';
import { hotAttach } from './qemu-hotplug.js';
import { throttleArgs } from './qemu-throttle.js';
import { QemuVm } from './qemu-vm.js';
import { workloadPaths, type VmRecord } from './qemu-workload.js';
import { pidsMentioning } from './testing/process-scan.js';

describe('throttleArgs', () => {
  it("maps Cinder's keys to block_set_io_throttle's, the six base limits always given", () => {
    expect(
      throttleArgs('disk-1', {
        read_bytes_sec: 1000,
        write_iops_sec: 50,
        total_iops_sec_max: 0,
        size_iops_sec: 4096,
      }),
    ).toEqual({
      id: 'disk-1',
      bps: 0,
      bps_rd: 1000,
      bps_wr: 0,
      iops: 0,
      iops_rd: 0,
      iops_wr: 50,
      iops_size: 4096,
    });
    expect(
      throttleArgs('d', { total_bytes_sec: 10, total_bytes_sec_max: 20, total_iops_sec_max: 9 }),
    ).toMatchObject({
      bps: 10,
      bps_max: 20,
      iops_max: 9,
    });
  });
});

const ready = process.getuid?.() === 0 && hasCommand('qemu-system-x86_64') && hasCommand('qemu-img');

interface BlockInfo {
  qdev?: string;
  inserted?: Record<string, unknown>;
}

// Real QEMU, waiting for an incoming migration (no guest code runs): the limits QEMU reports.
describe.skipIf(!ready)('qemu driver: QoS as I/O throttling', () => {
  let root = '';
  let vm: QemuVm;
  const disk = (volumeId: string, qos?: Record<string, number>): WorkloadDevice => ({
    kind: 'disk',
    disk: {
      volumeId,
      source: join(root, `${volumeId}.qcow2`),
      format: 'qcow2',
      readOnly: false,
      ...(qos && { qos }),
    },
  });
  const limitsOf = async (volumeId: string) => {
    const blocks = await vm.command<BlockInfo[]>('query-block');
    const { device } = deviceIds({ kind: 'disk', id: volumeId });
    const b = blocks.find((x) => x.qdev === device || x.qdev?.endsWith(`/${device}/virtio-backend`));
    const i = b?.inserted ?? {};
    return {
      bps: i['bps'],
      bps_rd: i['bps_rd'],
      bps_wr: i['bps_wr'],
      iops: i['iops'],
      iops_wr: i['iops_wr'],
    };
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-qemu-qos-'));
    for (const v of ['vol-launch', 'vol-hot', 'vol-plain'])
      await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', join(root, `${v}.qcow2`), '16M']);
    const paths = workloadPaths(join(root, 's'), 'w1');
    mkdirSync(paths.dir, { recursive: true });
    await runCommand('qemu-img', ['create', '-q', '-f', 'raw', paths.configDrive, '1M']);
    vm = new QemuVm(paths, 'qemu-system-x86_64');
    const rec: VmRecord = {
      version: 1,
      workloadId: 'w1',
      name: 'qos',
      vcpus: 1,
      memoryMb: 64,
      rootGb: 0,
      image: { id: '', diskFormat: 'qcow2', basePath: '' },
      accelerator: 'tcg',
      power: 'running',
      devices: [disk('vol-launch', { total_bytes_sec: 1048576, write_iops_sec: 200 }), disk('vol-plain')],
    };
    await vm.launch(rec, { incoming: true });
  });

  afterAll(async () => {
    await vm?.terminate().catch(() => undefined);
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('throttles a recorded disk from launch, and leaves a disk without QoS alone', async () => {
    expect(await limitsOf('vol-launch')).toEqual({
      bps: 1048576,
      bps_rd: 0,
      bps_wr: 0,
      iops: 0,
      iops_wr: 200,
    });
    expect(await limitsOf('vol-plain')).toEqual({ bps: 0, bps_rd: 0, bps_wr: 0, iops: 0, iops_wr: 0 });
  });

  it('throttles a hot-attached disk, and a replayed attach applies new limits', async () => {
    await hotAttach(vm, disk('vol-hot', { read_bytes_sec: 5000000, write_bytes_sec: 2000000 }));
    expect(await limitsOf('vol-hot')).toEqual({
      bps: 0,
      bps_rd: 5000000,
      bps_wr: 2000000,
      iops: 0,
      iops_wr: 0,
    });
    await hotAttach(vm, disk('vol-hot', { total_iops_sec: 300 }));
    expect(await limitsOf('vol-hot')).toMatchObject({ bps_rd: 0, bps_wr: 0, iops: 300 });
    // The type's QoS was disassociated: the attached disk is no longer limited.
    await hotAttach(vm, disk('vol-hot'));
    expect(await limitsOf('vol-hot')).toEqual({ bps: 0, bps_rd: 0, bps_wr: 0, iops: 0, iops_wr: 0 });
  });

  it("fails the attach with QEMU's message for limits QEMU refuses", async () => {
    await expect(
      hotAttach(vm, disk('vol-hot', { total_bytes_sec: 1000, read_bytes_sec: 500 })),
    ).rejects.toThrow(/cannot be used at the same time/);
  });
});
