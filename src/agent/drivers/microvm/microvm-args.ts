import { drive, qemuProcessArgs, type LaunchOptions } from '../qemu/qemu-args.js';
import type { VmRecord, WorkloadPaths } from '../qemu/qemu-workload.js';
import { join } from 'node:path';

/** What a microvm record adds to a qemu one: the kernel it boots (the initramfs is per workload). */
export interface MicrovmRecord extends VmRecord {
  readonly kernel: string;
}

/** The ext4 root disk and the workload's initramfs, beside the qemu files of the workload. */
export function rootDiskPath(paths: WorkloadPaths): string {
  return join(paths.dir, 'rootfs.ext4');
}

export function initramfsPath(paths: WorkloadPaths): string {
  return join(paths.dir, 'initramfs.cpio.gz');
}

/**
 * The kernel's command line. Under TCG the kernel cannot measure the TSC on microvm (no
 * PIT calibration, no HPET) and hangs before init; tsc_early_khz gives it a frequency.
 */
const kernelCmdline = [
  'console=ttyS0',
  'panic=-1',
  'quiet',
  'tsc=reliable',
  'no_timer_check',
  'tsc_early_khz=2000000',
].join(' ');

/**
 * A microvm (no PCI, no firmware disks): the host kernel booted directly with the
 * workload's initramfs, the root disk on virtio-mmio, the serial port on the legacy 8250.
 * NICs and volumes are not given (see docs/architecture.md).
 */
export function microvmArgs(rec: VmRecord, paths: WorkloadPaths, opts: LaunchOptions = {}): string[] {
  const kernel = (rec as MicrovmRecord).kernel;
  return [
    ...qemuProcessArgs(rec, paths, 'microvm,pit=on,pic=on,rtc=on,isa-serial=on'),
    ...['-kernel', kernel, '-initrd', initramfsPath(paths), '-append', kernelCmdline],
    ...drive('root', rootDiskPath(paths), 'raw', false),
    ...['-device', 'virtio-blk-device,drive=root'],
    ...(opts.incoming ? ['-incoming', 'defer'] : []),
  ];
}
