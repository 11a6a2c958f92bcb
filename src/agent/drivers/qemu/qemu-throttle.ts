import type { DiskQos, WorkloadDevice } from '../driver.js';
import { deviceIds } from './qemu-devices.js';

/** The one thing throttling needs of a running VM (not QemuVm itself, which applies throttles at launch). */
interface QmpCommands {
  command<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;
}

/** Cinder's front-end QoS keys → block_set_io_throttle's (the keys Nova maps to libvirt's iotune). */
const qmpKeys = {
  total_bytes_sec: 'bps',
  read_bytes_sec: 'bps_rd',
  write_bytes_sec: 'bps_wr',
  total_iops_sec: 'iops',
  read_iops_sec: 'iops_rd',
  write_iops_sec: 'iops_wr',
  total_bytes_sec_max: 'bps_max',
  read_bytes_sec_max: 'bps_rd_max',
  write_bytes_sec_max: 'bps_wr_max',
  total_iops_sec_max: 'iops_max',
  read_iops_sec_max: 'iops_rd_max',
  write_iops_sec_max: 'iops_wr_max',
  size_iops_sec: 'iops_size',
} as const satisfies Record<keyof DiskQos, string>;

/**
 * block_set_io_throttle's arguments for a virtio-blk device (`id`: its QOM path): the six
 * base limits are required by QEMU (0 = unlimited), the burst and size ones optional. QEMU
 * itself refuses what libvirt would (a total with a read/write limit, a burst without its
 * base), and the attach then fails with its message.
 */
export function throttleArgs(deviceId: string, qos: DiskQos): Record<string, unknown> {
  const args: Record<string, unknown> = {
    id: deviceId,
    bps: 0,
    bps_rd: 0,
    bps_wr: 0,
    iops: 0,
    iops_rd: 0,
    iops_wr: 0,
  };
  for (const [key, value] of Object.entries(qos) as Array<[keyof DiskQos, number | undefined]>)
    if (value !== undefined && value > 0) args[qmpKeys[key]] = value;
  return args;
}

/**
 * Throttles the disk's device to its QoS (a disk without QoS is left as it is, unless
 * `lift`: a disk already plugged whose type lost its QoS gets every limit removed). QEMU
 * keeps limits on the device's block backend only while the process lives, so this runs
 * after every hot attach and after every launch; repeating it is harmless.
 */
export async function applyThrottle(vm: QmpCommands, device: WorkloadDevice, lift = false): Promise<void> {
  if (device.kind !== 'disk' || (device.disk.qos === undefined && !lift)) return;
  const { device: id } = deviceIds({ kind: 'disk', id: device.disk.volumeId });
  // virtio-blk-pci is a proxy: the block backend belongs to its virtio-backend child.
  const path = `/machine/peripheral/${id}/virtio-backend`;
  await vm.command('block_set_io_throttle', throttleArgs(path, device.disk.qos ?? {}));
}

/** The recorded disks' limits, after a launch (the guest may run a moment unthrottled). */
export async function applyThrottles(vm: QmpCommands, devices: ReadonlyArray<WorkloadDevice>): Promise<void> {
  for (const d of devices) await applyThrottle(vm, d);
}
