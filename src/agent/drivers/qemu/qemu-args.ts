import { deviceArgs } from './qemu-devices.js';
import { launchOrder } from './qemu-disk-order.js';
import type { VmRecord, WorkloadPaths } from './qemu-workload.js';

export interface LaunchOptions {
  /** Start waiting for a saved state (QMP migrate-incoming) instead of booting. */
  readonly incoming?: boolean;
}

/** TCG's translation cache defaults to 1 GiB per VM; a small guest needs far less. */
const tcgTranslationCacheMb = 128;

/**
 * The QEMU command line for one VM. QEMU daemonizes (the VM outlives the agent), keeps the
 * process after a guest power-off (-no-shutdown, so the agent sees 'shutdown' over QMP)
 * and has no display or default devices; NICs and volumes come from the record's devices.
 */
export function qemuArgs(rec: VmRecord, paths: WorkloadPaths, opts: LaunchOptions = {}): string[] {
  return [
    ...qemuProcessArgs(rec, paths, 'pc'),
    // A volume-backed VM boots from its volume (the disk with boot index 0, bootindex 1 here).
    ...(rec.image.id === ''
      ? []
      : [...drive('root', paths.disk, 'qcow2', false), '-device', 'virtio-blk-pci,drive=root,bootindex=0']),
    // The guest names disks in PCI order: root, the other boot-time disks, config drive, hot-plugged.
    ...launchOrder(rec, configDriveArgs(paths), (d) => deviceArgs(d, paths.dir)).flat(),
    ...(opts.incoming ? ['-incoming', 'defer'] : []),
  ];
}

/**
 * What every QEMU of a workload has whatever its machine: identity, accelerator, size, no
 * display or default devices, daemonized with a pidfile, QMP and the serial console.
 */
export function qemuProcessArgs(rec: VmRecord, paths: WorkloadPaths, machine: string): string[] {
  const kvm = rec.accelerator === 'kvm';
  return [
    ...['-name', `guest=${opt(rec.workloadId)},debug-threads=on`],
    ...(isUuid(rec.workloadId) ? ['-uuid', rec.workloadId] : []),
    ...['-no-user-config', '-nodefaults'],
    ...['-machine', machine],
    ...['-accel', kvm ? 'kvm' : `tcg,tb-size=${tcgTranslationCacheMb}`],
    ...['-cpu', kvm ? 'host' : 'max'],
    ...['-smp', String(rec.vcpus), '-m', `${rec.memoryMb}M`],
    ...['-display', 'none', '-rtc', 'base=utc', '-boot', 'strict=on'],
    ...(rec.devices.some((d) => d.kind === 'nic') ? [] : ['-nic', 'none']),
    ...['-no-shutdown', '-daemonize', '-pidfile', paths.pidfile],
    ...[
      '-chardev',
      `socket,id=qmp,path=${opt(paths.qmp)},server=on,wait=off`,
      '-mon',
      'chardev=qmp,mode=control',
    ],
    ...serialArgs(paths),
  ];
}

/**
 * The serial port is a socket QEMU listens on (the remote console connects to it; without
 * a client QEMU drops the output) that also logs everything the guest writes to the console
 * log. logappend=on: the log survives restarts, and the agent may truncate it under QEMU.
 */
function serialArgs(paths: WorkloadPaths): string[] {
  const socket = `socket,id=serial0,path=${opt(paths.serial)},server=on,wait=off`;
  const log = `logfile=${opt(paths.console)},logappend=on`;
  return ['-chardev', `${socket},${log}`, '-serial', 'chardev:serial0'];
}

function configDriveArgs(paths: WorkloadPaths): string[] {
  return [...drive('config', paths.configDrive, 'raw', true), '-device', 'virtio-blk-pci,drive=config'];
}

export function drive(id: string, file: string, format: string, readonly: boolean): string[] {
  const extra = readonly ? 'readonly=on' : 'cache=writeback,discard=unmap';
  return ['-drive', `if=none,id=${id},file=${opt(file)},format=${format},${extra}`];
}

/** QEMU option values escape a comma by doubling it. */
export function opt(value: string): string {
  return value.replaceAll(',', ',,');
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
