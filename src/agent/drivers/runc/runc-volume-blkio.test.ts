import { mkdirSync, mkdtempSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import type { WorkloadDisk } from '../driver.js';
import {
  blkioLimitsOf,
  blkioMount,
  deviceNumberOf,
  throttleOf,
  throttleVolume,
  unthrottleVolume,
} from './runc-volume-blkio.js';

describe('blkioLimitsOf: Cinder front-end QoS as blkio throttles', () => {
  it('maps read/write keys, lets a total bound both directions, and ignores bursts', () => {
    expect(blkioLimitsOf({ read_bytes_sec: 1000, write_iops_sec: 20, total_bytes_sec_max: 9 })).toEqual({
      read_bps_device: 1000,
      write_bps_device: 0,
      read_iops_device: 0,
      write_iops_device: 20,
    });
    expect(blkioLimitsOf({ total_bytes_sec: 500, write_bytes_sec: 100, total_iops_sec: 7 })).toEqual({
      read_bps_device: 500,
      write_bps_device: 100,
      read_iops_device: 7,
      write_iops_device: 7,
    });
    expect(Object.values(blkioLimitsOf(undefined))).toEqual([0, 0, 0, 0]);
  });
});

const mount = await blkioMount().catch(() => undefined);
const ready = process.getuid?.() === 0 && mount !== undefined && hasCommand('losetup') && hasCommand('dd');

// A real blkio cgroup of this test's own (a container's cgroup is the same kind of
// directory) and a real loop device over a raw volume file.
describe.skipIf(!ready)('throttleVolume: a container volume limited in its blkio cgroup', () => {
  const cgroupsPath = `/strata-e7-blkio-${process.pid}-${Date.now().toString(36)}`;
  const cgroupDir = () => join(mount!, cgroupsPath);
  let root = '';
  let loop = '';
  let devnum = '';
  let disk: WorkloadDisk;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-blkio-'));
    disk = { volumeId: 'vol-blkio', source: join(root, 'vol.raw'), format: 'raw', readOnly: false };
    await runCommand('truncate', ['-s', '8M', disk.source]);
    loop = (await runCommand('losetup', ['--find', '--show', disk.source])).stdout.trim();
    devnum = await deviceNumberOf(loop);
    mkdirSync(cgroupDir());
  });
  afterAll(async () => {
    if (loop) await runCommand('losetup', ['--detach', loop]).catch(() => undefined);
    rmdirSync(cgroupDir());
    rmSync(root, { recursive: true, force: true });
  });

  const rules = async () => ({
    rbps: await throttleOf(cgroupDir(), 'read_bps_device', devnum),
    wbps: await throttleOf(cgroupDir(), 'write_bps_device', devnum),
    riops: await throttleOf(cgroupDir(), 'read_iops_device', devnum),
    wiops: await throttleOf(cgroupDir(), 'write_iops_device', devnum),
  });

  it('writes the loop device rules, rewrites them on a changed QoS and lifts them on detach', async () => {
    expect(devnum).toMatch(/^7:\d+$/);
    await throttleVolume(cgroupsPath, join(root, 'staging'), { ...disk, qos: { read_bytes_sec: 1048576 } });
    expect(await rules()).toEqual({ rbps: 1048576, wbps: 0, riops: 0, wiops: 0 });
    await throttleVolume(cgroupsPath, join(root, 'staging'), {
      ...disk,
      qos: { write_bytes_sec: 2097152, read_iops_sec: 50, write_iops_sec: 40 },
    });
    expect(await rules()).toEqual({ rbps: 0, wbps: 2097152, riops: 50, wiops: 40 });
    await unthrottleVolume(cgroupsPath, join(root, 'staging'), disk);
    expect(await rules()).toEqual({ rbps: 0, wbps: 0, riops: 0, wiops: 0 });
  });

  it('bounds direct reads of a process in the cgroup to the limit', async () => {
    await throttleVolume(cgroupsPath, join(root, 'staging'), { ...disk, qos: { read_bytes_sec: 1048576 } });
    const dd = (inCgroup: boolean) => {
      const join = inCgroup ? `echo $$ > ${cgroupDir()}/cgroup.procs; ` : '';
      return `${join}exec dd if=${loop} of=/dev/null bs=64k count=48 iflag=direct 2>/dev/null`;
    };
    const timed = async (inCgroup: boolean) => {
      const t0 = performance.now();
      await runCommand('sh', ['-c', dd(inCgroup)], { timeoutMs: 20_000 });
      return performance.now() - t0;
    };
    // 3 MiB at 1 MiB/s: at least ~2 s (the first slice may pass a little early); outside the cgroup, fast.
    expect(await timed(true)).toBeGreaterThan(1_800);
    expect(await timed(false)).toBeLessThan(1_500);
    await unthrottleVolume(cgroupsPath, join(root, 'staging'), disk);
  }, 30_000);
});
