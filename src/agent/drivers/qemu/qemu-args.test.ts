import { describe, expect, it } from 'vitest';
import { opt, qemuArgs } from './qemu-args.js';
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
};
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

  it('appends the serial console to the log file', () => {
    expect(valueOf(qemuArgs(rec, paths), '-chardev')).toContain(
      `file,id=serial0,path=${paths.console},append=on`,
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

  it('rejects workload ids that could escape the state dir', () => {
    for (const bad of ['../x', 'a/b', '.', '', '-x'])
      expect(() => workloadPaths('/s', bad)).toThrow(/invalid workload id/);
  });
});
