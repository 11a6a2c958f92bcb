import { describe, expect, it } from 'vitest';
import { DriverSet } from '../driver-set.js';
import type { ComputeDriver, WorkloadSpec } from '../driver.js';
import { FakeDriver } from '../fake/fake-driver.js';
import { workloadPaths, type VmRecord } from '../qemu/qemu-workload.js';
import { isolationOf } from '../container-isolation.js';
import { microvmArgs } from './microvm-args.js';
import { runConfigScript } from './microvm-guest.js';

const run = {
  env: ['PATH=/bin', "GREETING=it's here"],
  entrypoint: ['/bin/app'],
  cmd: ['--flag', 'a b'],
  workingDir: '/srv',
  user: '',
};

describe('microvm guest run configuration', () => {
  it('quotes env and argv for the init to source, filling HOSTNAME and HOME', () => {
    expect(runConfigScript(run, 'web-1')).toBe(
      [
        "STRATA_HOSTNAME='web-1'",
        "STRATA_CWD='/srv'",
        "set -- 'PATH=/bin' 'GREETING=it'\\''s here' 'HOSTNAME=web-1' 'HOME=/root' '/bin/app' '--flag' 'a b'",
        '',
      ].join('\n'),
    );
  });

  it('runs from / when the image names no working dir', () => {
    expect(runConfigScript({ ...run, workingDir: '' }, 'h')).toContain("STRATA_CWD='/'");
  });
});

describe('container isolation', () => {
  it('is vm when the flavor or the image (either spelling) says so', () => {
    expect(isolationOf({ 'hw:container_isolation': 'vm' }, {})).toBe('vm');
    expect(isolationOf({}, { hw_container_isolation: 'vm' })).toBe('vm');
    expect(isolationOf({}, { 'hw:container_isolation': 'vm' })).toBe('vm');
    expect(isolationOf({ 'hw:container_isolation': 'none' }, {})).toBe('none');
    expect(isolationOf({}, {})).toBe('none');
  });
});

describe('microvm command line', () => {
  it('boots the kernel on a microvm with the root disk on virtio-mmio', () => {
    const paths = workloadPaths('/var/lib/strata/i', 'w1');
    const rec = {
      version: 1,
      workloadId: 'w1',
      name: 'w',
      vcpus: 1,
      memoryMb: 128,
      rootGb: 1,
      image: { id: 'i', diskFormat: 'raw', basePath: '/c/r' },
      accelerator: 'tcg',
      power: 'stopped',
      devices: [],
      kernel: '/boot/vmlinuz-x',
    } as VmRecord;
    const args = microvmArgs(rec, paths);
    expect(args[args.indexOf('-machine') + 1]).toMatch(/^microvm,/);
    expect(args[args.indexOf('-kernel') + 1]).toBe('/boot/vmlinuz-x');
    expect(args[args.indexOf('-initrd') + 1]).toBe('/var/lib/strata/i/w1/initramfs.cpio.gz');
    expect(args).toContain('virtio-blk-device,drive=root');
    expect(args.join(' ')).toContain('file=/var/lib/strata/i/w1/rootfs.ext4,format=raw');
    expect(args.join(' ')).not.toContain('-pci');
  });
});

describe('a driver set routes containers by isolation', () => {
  /** A fake driver under another name that takes only containers with (or without) VM isolation. */
  const picky = (name: string, wantVm: boolean): ComputeDriver =>
    Object.assign(new FakeDriver({ vcpus: 4, memoryMb: 4096, diskGb: 10 }), {
      name,
      accepts: (spec: WorkloadSpec) =>
        (isolationOf(spec.extraSpecs, spec.image.properties) === 'vm') === wantVm,
    }) as unknown as ComputeDriver;
  const spec = (extraSpecs: Record<string, string>): WorkloadSpec => ({
    workloadId: `w-${Object.keys(extraSpecs).length}`,
    name: 'w',
    hostname: 'w',
    kind: 'container',
    vcpus: 1,
    memoryMb: 64,
    rootGb: 1,
    image: { id: 'i', diskFormat: 'raw', containerFormat: 'docker', properties: {} },
    projectId: 'p',
    availabilityZone: null,
    launchIndex: 0,
    userData: null,
    metadata: {},
    keyName: null,
    keyData: null,
    configDrive: false,
    extraSpecs,
    nics: [],
    disks: [],
  });

  it('sends vm isolation to the driver that accepts it, whatever the order', async () => {
    const set = new DriverSet([picky('runc', false), picky('microvm', true)]);
    const signal = new AbortController().signal;
    expect((await set.create(spec({ 'hw:container_isolation': 'vm' }), signal)).driver).toBe('microvm');
    expect((await set.create(spec({}), signal)).driver).toBe('runc');
  });
});
