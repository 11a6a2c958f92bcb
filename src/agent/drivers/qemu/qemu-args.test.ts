import { describe, expect, it } from 'vitest';
import type { WorkloadDisk, WorkloadNic } from '../driver.js';
import { opt, qemuArgs } from './qemu-args.js';
import { deviceIds, parseNbdUri } from './qemu-devices.js';
import { workloadPaths, type VmRecord } from './qemu-workload.js';

const id = '9b2d6a1e-0000-4000-8000-000000000001';
const rec: VmRecord = {
  version: 1,
  workloadId: id,
  name: 'web 1',
  vcpus: 2,
  memoryMb: 256,
  rootGb: 1,
  image: { id: 'img', diskFormat: 'qcow2', basePath: '/cache/img.qcow2' },
  accelerator: 'tcg',
  power: 'running',
  devices: [],
};
const nic: WorkloadNic = {
  portId: '5e0c1d2f-aaaa-4bbb-8ccc-000000000001',
  networkId: 'net-1',
  mac: 'fa:16:3e:12:34:56',
  mtu: 1450,
  hostName: 'tap5e0c1d2f-aa',
  fixedIps: [],
};
const volumeId = '0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d';
const disk: WorkloadDisk = { volumeId, source: '/vols/a,b.qcow2', format: 'qcow2', readOnly: false };
const paths = workloadPaths('/var/lib/strata/instances/qemu', id);

function valueOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe('qemu-args', () => {
  it('daemonizes with a pidfile, QMP in the workload dir and -no-shutdown', () => {
    const args = qemuArgs(rec, paths);
    expect(args).toEqual(expect.arrayContaining(['-daemonize', '-no-shutdown', '-nodefaults']));
    expect(valueOf(args, '-pidfile')).toEqual([`${paths.dir}/qemu.pid`]);
    expect(valueOf(args, '-chardev')).toContain(
      `socket,id=qmp,path=${paths.dir}/qmp.sock,server=on,wait=off`,
    );
    expect(valueOf(args, '-mon')).toEqual(['chardev=qmp,mode=control']);
  });

  it('sizes the VM from the record and has no display or network', () => {
    const args = qemuArgs(rec, paths);
    expect(valueOf(args, '-smp')).toEqual(['2']);
    expect(valueOf(args, '-m')).toEqual(['256M']);
    expect(valueOf(args, '-display')).toEqual(['none']);
    expect(valueOf(args, '-nic')).toEqual(['none']);
    expect(valueOf(args, '-uuid')).toEqual([id]);
  });

  it('picks CPU model and accelerator options per accelerator', () => {
    expect(valueOf(qemuArgs(rec, paths), '-accel')[0]).toMatch(/^tcg,tb-size=\d+$/);
    expect(valueOf(qemuArgs(rec, paths), '-cpu')).toEqual(['max']);
    const kvm = qemuArgs({ ...rec, accelerator: 'kvm' }, paths);
    expect(valueOf(kvm, '-accel')).toEqual(['kvm']);
    expect(valueOf(kvm, '-cpu')).toEqual(['host']);
  });

  it('attaches the overlay as the boot disk and the config drive read-only', () => {
    const drives = valueOf(qemuArgs(rec, paths), '-drive');
    expect(drives).toEqual([
      `if=none,id=root,file=${paths.disk},format=qcow2,cache=writeback,discard=unmap`,
      `if=none,id=config,file=${paths.configDrive},format=raw,readonly=on`,
    ]);
    expect(valueOf(qemuArgs(rec, paths), '-device')).toEqual([
      'virtio-blk-pci,drive=root,bootindex=0',
      'virtio-blk-pci,drive=config',
    ]);
  });

  it('serves the serial console on a socket that appends everything to the log file', () => {
    expect(valueOf(qemuArgs(rec, paths), '-chardev')).toContain(
      `socket,id=serial0,path=${paths.dir}/serial.sock,server=on,wait=off,` +
        `logfile=${paths.console},logappend=on`,
    );
    expect(valueOf(qemuArgs(rec, paths), '-serial')).toEqual(['chardev:serial0']);
  });

  it('waits for a saved state only when asked', () => {
    expect(qemuArgs(rec, paths)).not.toContain('-incoming');
    expect(valueOf(qemuArgs(rec, paths, { incoming: true }), '-incoming')).toEqual(['defer']);
  });

  it('escapes commas in option values and leaves -uuid out for ids that are not UUIDs', () => {
    expect(opt('/a,b/c')).toBe('/a,,b/c');
    const other = qemuArgs({ ...rec, workloadId: 'vm-1' }, workloadPaths('/tmp/x,y', 'vm-1'));
    expect(other).not.toContain('-uuid');
    expect(valueOf(other, '-pidfile')).toEqual(['/tmp/x,y/vm-1/qemu.pid']);
    expect(valueOf(other, '-chardev')[0]).toBe(
      'socket,id=qmp,path=/tmp/x,,y/vm-1/qmp.sock,server=on,wait=off',
    );
  });

  it('gives each NIC a tap netdev and a virtio-net device with its MAC and MTU, in order', () => {
    const second = { ...nic, portId: 'p2', mac: 'fa:16:3e:00:00:02', hostName: 'tap-p2' };
    const args = qemuArgs(
      {
        ...rec,
        devices: [
          { kind: 'nic', nic },
          { kind: 'nic', nic: second },
        ],
      },
      paths,
    );
    const a = deviceIds({ kind: 'nic', id: nic.portId });
    const b = deviceIds({ kind: 'nic', id: 'p2' });
    expect(args).not.toContain('-nic');
    expect(valueOf(args, '-netdev')).toEqual([
      `tap,id=${a.backend},ifname=tap5e0c1d2f-aa,script=no,downscript=no`,
      `tap,id=${b.backend},ifname=tap-p2,script=no,downscript=no`,
    ]);
    expect(valueOf(args, '-device').slice(2)).toEqual([
      `virtio-net-pci,id=${a.device},netdev=${a.backend},mac=fa:16:3e:12:34:56,host_mtu=1450`,
      `virtio-net-pci,id=${b.device},netdev=${b.backend},mac=fa:16:3e:00:00:02,host_mtu=1450`,
    ]);
  });

  it('derives short, QEMU-valid, deterministic device ids from port and volume ids', () => {
    const ids = deviceIds({ kind: 'disk', id: 'a volume/with odd chars,' });
    expect(ids.device).toMatch(/^disk-[0-9a-f]{12}$/);
    expect(ids.backend).toMatch(/^vol-[0-9a-f]{12}$/);
    expect(deviceIds({ kind: 'disk', id: 'a volume/with odd chars,' })).toEqual(ids);
    expect(deviceIds({ kind: 'disk', id: 'other' })).not.toEqual(ids);
    expect(deviceIds({ kind: 'nic', id: nic.portId }).device).toMatch(/^nic-[0-9a-f]{12}$/);
  });

  it('attaches a file volume as a blockdev with its format and a virtio-blk serial of 20 bytes', () => {
    const args = qemuArgs({ ...rec, devices: [{ kind: 'disk', disk: { ...disk, bootIndex: 1 } }] }, paths);
    const ids = deviceIds({ kind: 'disk', id: volumeId });
    expect(valueOf(args, '-blockdev').map((j) => JSON.parse(j) as unknown)).toEqual([
      {
        driver: 'qcow2',
        'node-name': ids.backend,
        'read-only': false,
        discard: 'unmap',
        file: { driver: 'file', filename: '/vols/a,b.qcow2' },
      },
    ]);
    expect(valueOf(args, '-device')[1]).toBe(
      `virtio-blk-pci,id=${ids.device},drive=${ids.backend},serial=${volumeId.slice(0, 20)},bootindex=2`,
    );
    expect(valueOf(args, '-nic')).toEqual(['none']);
  });

  it('attaches NBD exports (TCP and unix socket) read-only when asked', () => {
    const tcp = { ...disk, source: 'nbd://[::1]:10900/vol%20a', format: 'raw' as const, readOnly: true };
    const unix = { ...disk, volumeId: 'v2', source: 'nbd+unix:///exp?socket=/run/nbd.sock' };
    const args = qemuArgs(
      {
        ...rec,
        devices: [
          { kind: 'disk', disk: tcp },
          { kind: 'disk', disk: unix },
        ],
      },
      paths,
    );
    const [first, second] = valueOf(args, '-blockdev').map((j) => JSON.parse(j) as Record<string, unknown>);
    expect(first).toMatchObject({
      driver: 'raw',
      'read-only': true,
      file: {
        driver: 'nbd',
        server: { type: 'inet', host: '::1', port: '10900' },
        export: 'vol a',
        'reconnect-delay': 30,
      },
    });
    expect(first).not.toHaveProperty('discard');
    expect(second).toMatchObject({
      driver: 'raw',
      'read-only': false,
      file: {
        driver: 'nbd',
        server: { type: 'unix', path: '/run/nbd.sock' },
        export: 'exp',
        'reconnect-delay': 30,
      },
    });
    expect(parseNbdUri('nbd://10.0.0.5/x')?.server).toEqual({
      type: 'inet',
      host: '10.0.0.5',
      port: '10809',
    });
    expect(parseNbdUri('/var/lib/x.qcow2')).toBeUndefined();
    expect(() => parseNbdUri('nbd+unix:///x')).toThrow(/names no socket/);
  });

  it('puts the root first, the other boot-time disks by device name, the config drive, then later disks', () => {
    const named = (volumeId: string, deviceName?: string, bootIndex?: number): WorkloadDisk => ({
      ...disk,
      volumeId,
      ...(deviceName !== undefined && { deviceName }),
      ...(bootIndex !== undefined && { bootIndex }),
    });
    const serialsOf = (args: string[]) =>
      valueOf(args, '-device').map((d) =>
        d.includes('drive=config') ? 'config' : /serial=([^,]+)/.exec(d)?.[1],
      );
    // Volume-backed: the boot-index-0 volume is first even when requested last.
    const bfv: VmRecord = {
      ...rec,
      image: { id: '', diskFormat: 'qcow2', basePath: '' },
      devices: [
        { kind: 'disk', disk: named('vol-c', '/dev/vdc') },
        { kind: 'nic', nic },
        { kind: 'disk', disk: named('vol-b', '/dev/vdb') },
        { kind: 'disk', disk: named('vol-root', '/dev/vda', 0) },
        { kind: 'disk', disk: named('vol-hot', '/dev/vdd') },
      ],
      launchDisks: ['vol-c', 'vol-b', 'vol-root'],
    };
    expect(serialsOf(qemuArgs(bfv, paths))).toEqual([
      'vol-root',
      'vol-b',
      'vol-c',
      'config',
      undefined,
      'vol-hot',
    ]);
    // Image-backed: the local root, then the mapped volumes, the config drive last of them.
    const image: VmRecord = {
      ...rec,
      devices: [
        { kind: 'disk', disk: named('vol-aa', '/dev/vdaa') },
        { kind: 'disk', disk: named('vol-z', 'vdz') },
      ],
    };
    const args = qemuArgs(image, paths);
    expect(valueOf(args, '-device')[0]).toBe('virtio-blk-pci,drive=root,bootindex=0');
    expect(serialsOf(args).slice(1)).toEqual(['vol-z', 'vol-aa', 'config']);
  });

  it('rejects workload ids that could escape the state dir', () => {
    for (const bad of ['../x', 'a/b', '.', '', '-x'])
      expect(() => workloadPaths('/s', bad)).toThrow(/invalid workload id/);
  });
});
