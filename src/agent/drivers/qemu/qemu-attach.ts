import { deviceRefOf, type DeviceRef, type WorkloadDevice } from '../driver.js';
import { parseNbdUri } from './qemu-devices.js';
import { growImage } from './qemu-image.js';
import { hotAttach, hotDetach } from './qemu-hotplug.js';
import { exists, type QemuRuntime } from './qemu-runtime.js';
import { writeVmRecord, type VmRecord, type WorkloadPaths } from './qemu-workload.js';

/** Run states of a QEMU process whose guest takes hot-plugged devices (paused ones once continued). */
const hotStates = new Set(['running', 'paused', 'suspended']);

/**
 * Attaches `device`: hot when QEMU runs, then recorded (vm.json, atomically) so every later
 * launch has it; only recorded when the VM is off, the next boot then has it. A suspended
 * VM is refused: its saved state must match the devices it was saved with.
 */
export async function attachDevice(
  rt: QemuRuntime,
  paths: WorkloadPaths,
  rec: VmRecord,
  device: WorkloadDevice,
): Promise<VmRecord> {
  const status = await liveState(rt, paths, 'attach a device to');
  if (status !== undefined && hotStates.has(status)) await hotAttach(rt.vm(paths), device);
  else await checkSource(device);
  const ref = deviceRefOf(device);
  const i = rec.devices.findIndex((d) => same(deviceRefOf(d), ref));
  const devices = i < 0 ? [...rec.devices, device] : rec.devices.map((d, j) => (j === i ? device : d));
  return save(paths, rec, devices);
}

/** Detaches the device (hot when QEMU runs, waiting for the guest), then drops it from the record. */
export async function detachDevice(
  rt: QemuRuntime,
  paths: WorkloadPaths,
  rec: VmRecord,
  ref: DeviceRef,
  signal?: AbortSignal,
): Promise<VmRecord> {
  const status = await liveState(rt, paths, 'detach a device from');
  if (status !== undefined && hotStates.has(status))
    await hotDetach(rt.vm(paths), ref, rt.cfg.detachTimeoutMs, signal);
  const devices = rec.devices.filter((d) => !same(deviceRefOf(d), ref));
  if (devices.length === rec.devices.length) return rec;
  return save(paths, rec, devices);
}

/** QEMU's run state (undefined: no process); throws for a suspended VM. */
async function liveState(rt: QemuRuntime, paths: WorkloadPaths, action: string): Promise<string | undefined> {
  const status = await rt.vm(paths).status();
  if (status === undefined && (await exists(paths.savedState)))
    throw new Error(`qemu driver: cannot ${action} a suspended VM; resume it first`);
  return status;
}

/**
 * A missing local file would only fail the next boot; say so now. With no QEMU holding
 * it, an extended volume's file is grown here, so the next boot sees the new size.
 */
async function checkSource(device: WorkloadDevice): Promise<void> {
  if (device.kind !== 'disk' || parseNbdUri(device.disk.source) !== undefined) return;
  const { source, sizeBytes, format } = device.disk;
  if (!(await exists(source)))
    throw new Error(`qemu driver: volume ${device.disk.volumeId}: no file ${source}`);
  if (sizeBytes !== undefined && format === 'qcow2') await growImage(source, sizeBytes);
}

async function save(paths: WorkloadPaths, rec: VmRecord, devices: WorkloadDevice[]): Promise<VmRecord> {
  const next = { ...rec, devices };
  await writeVmRecord(paths.record, next);
  return next;
}

function same(a: DeviceRef, b: DeviceRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}
