import { deviceRefOf, type DeviceRef, type WorkloadDevice, type WorkloadDisk } from '../driver.js';
import {
  blockdevOptions,
  deviceIds,
  deviceOptions,
  netdevOptions,
  parseNbdUri,
  type DeviceIds,
} from './qemu-devices.js';
import { deleteNode, growNbdDisk, nbdFileNodes } from './qemu-nbd-grow.js';
import { sleep } from './qemu-process.js';
import { configureTap } from './qemu-taps.js';
import { applyThrottle } from './qemu-throttle.js';
import { nbdTlsObject, writeNbdTlsKey } from './qemu-nbd-tls.js';
import type { QemuVm } from './qemu-vm.js';
import { QmpError, type QmpClient } from './qmp-client.js';

/** How long one QMP session waits for DEVICE_DELETED before letting other callers in. */
const eventSliceMs = 1_000;

/** Ids of the devices QEMU has under /machine/peripheral (those added with an id). */
export async function attachedIds(vm: QemuVm): Promise<Set<string>> {
  const props = await vm.command<{ name: string; type: string }[]>('qom-list', {
    path: '/machine/peripheral',
  });
  return new Set(props.filter((p) => p.type.startsWith('child<')).map((p) => p.name));
}

/**
 * Adds `device` to the running VM: its backend (netdev_add or blockdev-add), then the
 * virtio device; nothing is added when QEMU already has the device. A backend left by an
 * attach that died half-way is removed first; a failed device_add removes the backend again.
 */
export async function hotAttach(vm: QemuVm, device: WorkloadDevice): Promise<void> {
  const ids = deviceIds(deviceRefOf(device));
  const had = (await attachedIds(vm)).has(ids.device);
  if (!had) await addDevice(vm, device, ids);
  // Also when QEMU had it already: an attach that died before this step is finished here.
  if (device.kind === 'nic') await configureTap(device.nic, vm.netns);
  else if (device.disk.sizeBytes !== undefined) await growDisk(vm, device.disk, device.disk.sizeBytes);
  // A disk asked for again with a changed QoS (or none left) gets the new limits at once.
  await applyThrottle(vm, device, had);
}

/** The virtual size QEMU gives a block node (what the guest sees), in bytes. */
export async function nodeSize(vm: QemuVm, nodeName: string): Promise<number | undefined> {
  const nodes = await vm.command<{ 'node-name': string; image: { 'virtual-size': number } }[]>(
    'query-named-block-nodes',
    { flat: true },
  );
  return nodes.find((n) => n['node-name'] === nodeName)?.image['virtual-size'];
}

/**
 * Grows the disk under the running guest (an extended volume): QEMU resizes the image
 * itself, since it holds the file's write lock, and virtio-blk tells the guest the new
 * capacity. An NBD disk (the export grown on its server) gets a new connection first.
 * Never shrinks.
 */
async function growDisk(vm: QemuVm, disk: WorkloadDisk, sizeBytes: number): Promise<void> {
  const nbd = parseNbdUri(disk.source);
  if (nbd !== undefined) return growNbdDisk(vm, disk, nbd, sizeBytes);
  const nodeName = deviceIds({ kind: 'disk', id: disk.volumeId }).backend;
  const now = await nodeSize(vm, nodeName);
  if (now !== undefined && now < sizeBytes)
    await vm.command('block_resize', { 'node-name': nodeName, size: sizeBytes });
}

async function addDevice(vm: QemuVm, device: WorkloadDevice, ids: DeviceIds): Promise<void> {
  await vm.qmp(async (q) => {
    await removeBackend(q, device.kind, ids.backend).catch(() => undefined);
    if (device.kind === 'nic') await q.execute('netdev_add', netdevOptions(device.nic));
    else {
      await addTlsCreds(q, vm.paths.dir, device.disk);
      await q.execute('blockdev-add', blockdevOptions(device.disk));
    }
    try {
      await q.execute('device_add', deviceOptions(device));
    } catch (err) {
      await removeBackend(q, device.kind, ids.backend).catch(() => undefined);
      throw err;
    }
  });
}

/**
 * Removes the device from the running VM: device_del, then waits (at most `timeoutMs`) for
 * the guest to let go (DEVICE_DELETED, or the device gone when a session missed the event),
 * then removes its backend. A guest that never lets go gets a clear error; the device then
 * stays attached and recorded, and a later detach finishes the job.
 */
export async function hotDetach(
  vm: QemuVm,
  ref: DeviceRef,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const ids = deviceIds(ref);
  const deadline = Date.now() + timeoutMs;
  let asked = false;
  while ((await attachedIds(vm)).has(ids.device)) {
    if (Date.now() >= deadline)
      throw new Error(
        `qemu driver: the guest did not release ${ref.kind} ${ref.id} (${ids.device}) within ${timeoutMs} ms`,
      );
    await vm.qmp(async (q) => {
      if (!asked) await requestUnplug(q, ids.device);
      asked = true;
      const slice = Math.max(1, Math.min(eventSliceMs, deadline - Date.now()));
      await q.waitForEvent((e) => e.event === 'DEVICE_DELETED' && deletedId(e.data) === ids.device, slice);
    });
    signal?.throwIfAborted();
  }
  await releaseBackend(vm, ref.kind, ids.backend, deadline, signal);
}

async function requestUnplug(q: QmpClient, id: string): Promise<void> {
  try {
    await q.execute('device_del', { id });
  } catch (err) {
    // A device gone meanwhile, or an unplug already under way (a retried detach), is fine.
    if (!(err instanceof QmpError) || !/not found|process of unplug/i.test(err.message)) throw err;
  }
}

/** The block node can stay in use for a moment after the device is gone; retried until the deadline. */
async function releaseBackend(
  vm: QemuVm,
  kind: DeviceRef['kind'],
  backend: string,
  deadline: number,
  signal?: AbortSignal,
): Promise<void> {
  for (;;) {
    try {
      return await vm.qmp((q) => removeBackend(q, kind, backend));
    } catch (err) {
      if (Date.now() >= deadline || !/in use|busy/i.test((err as Error).message)) throw err;
      await sleep(100, signal);
    }
  }
}

/** The NBD disk's TLS credentials object, made afresh (its key may be new); none without TLS. */
async function addTlsCreds(q: QmpClient, vmDir: string, disk: WorkloadDisk): Promise<void> {
  const tls = nbdTlsObject(vmDir, disk);
  if (tls === undefined) return;
  await writeNbdTlsKey(vmDir, disk);
  await q.execute('object-del', { id: tls['id'] }).catch(() => undefined);
  await q.execute('object-add', tls);
}

/** netdev_del or blockdev-del; resolves when there is no such backend. */
async function removeBackend(q: QmpClient, kind: DeviceRef['kind'], backend: string): Promise<void> {
  if (kind === 'disk') {
    await deleteNode(q, backend);
    // A grown NBD disk's own protocol node, then its TLS credentials (absent for the others).
    for (const n of nbdFileNodes(backend)) await deleteNode(q, n);
    await q.execute('object-del', { id: `tls-${backend.slice(4)}` }).catch(() => undefined);
    return;
  }
  try {
    await q.execute('netdev_del', { id: backend });
  } catch (err) {
    if (err instanceof QmpError && /not found|failed to find/i.test(err.message)) return;
    throw err;
  }
}

function deletedId(data: unknown): string | undefined {
  return (data as { device?: string } | undefined)?.device;
}
