import type { WorkloadDevice } from '../driver.js';
import type { VmRecord } from './qemu-workload.js';

/**
 * The record's devices in launch (PCI) order, which is the guest's vdX order: the disks
 * the VM was created with (the boot disk first, then by device name, as libvirt sorts Nova's
 * disks), then `configDrive` (last of the boot-time disks, as Nova maps it), then NICs and
 * the disks attached since, in record order (NICs keep the slots they had before disks were
 * ordered, so guest interface names stay). `launchDisks` absent (an older record): every
 * recorded disk counts as a boot-time one.
 */
export function launchOrder<T>(
  rec: Pick<VmRecord, 'devices' | 'launchDisks'>,
  configDrive: T,
  toArgs: (d: WorkloadDevice) => T,
): T[] {
  const disks = rec.devices.flatMap((d) => (d.kind === 'disk' ? [d] : []));
  const atLaunch = new Set(rec.launchDisks ?? disks.map((d) => d.disk.volumeId));
  const isBoot = (d: WorkloadDevice) => d.kind === 'disk' && atLaunch.has(d.disk.volumeId);
  const boot = disks.filter(isBoot);
  const rest = rec.devices.filter((d) => !isBoot(d));
  return [...sortBootDisks(boot).map(toArgs), configDrive, ...rest.map(toArgs)];
}

type DiskDevice = Extract<WorkloadDevice, { kind: 'disk' }>;

/** Boot index 0 first, then named disks by name (vdb < vdz < vdaa), unnamed ones last. */
export function sortBootDisks(disks: ReadonlyArray<DiskDevice>): DiskDevice[] {
  const rank = (d: DiskDevice) => (d.disk.bootIndex === 0 ? 0 : d.disk.deviceName ? 1 : 2);
  const name = (d: DiskDevice) => (d.disk.deviceName ?? '').replace(/^\/dev\//, '');
  return [...disks].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      name(a).length - name(b).length ||
      (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0),
  );
}
