import type { WorkloadDisk } from '../driver.js';
import { blockdevOptions, deviceIds, nbdFileOptions, type NbdSource } from './qemu-devices.js';
import type { QemuVm } from './qemu-vm.js';
import { QmpError, type QmpClient } from './qmp-client.js';

/**
 * The two names an NBD disk's protocol node takes after a grow (`backend` is the disk's raw
 * node): each grow opens the other one, so the new node never clashes with the one in use.
 * The node made inline at attach or launch has QEMU's own name and goes with its parent.
 */
export function nbdFileNodes(backend: string): readonly [string, string] {
  const h = backend.slice(4);
  return [`nbd-${h}-a`, `nbd-${h}-b`];
}

/**
 * Grows an NBD disk under the running guest (an in-use extend of a volume on another host).
 * QEMU's NBD client keeps the size it was told at connect time, and block_resize of its node
 * fails ("Cannot grow NBD nodes"), even once the export is served bigger. So a new NBD node
 * connects to the grown export (same server, export and TLS credentials), the raw node is
 * reopened onto it, and block_resize of the raw node tells virtio-blk (so the guest) the
 * new capacity. Never shrinks; a disk already at the size is left alone.
 */
export async function growNbdDisk(
  vm: QemuVm,
  disk: WorkloadDisk,
  nbd: NbdSource,
  sizeBytes: number,
): Promise<void> {
  const backend = deviceIds({ kind: 'disk', id: disk.volumeId }).backend;
  await vm.qmp(async (q) => {
    const now = (await nodeSizes(q)).get(backend);
    if (now === undefined || now >= sizeBytes) return;
    const { next, current } = await freeFileNode(q, backend);
    await q.execute('blockdev-add', { ...nbdFileOptions(disk, nbd), 'node-name': next });
    try {
      await q.execute('blockdev-reopen', { options: [{ ...blockdevOptions(disk), file: next }] });
    } catch (err) {
      await deleteNode(q, next).catch(() => undefined);
      throw err;
    }
    // The reopen already shows the new size on the node; only a resize notifies the device.
    await q.execute('block_resize', { 'node-name': backend, size: sizeBytes });
    if (current !== undefined) await deleteNode(q, current);
  });
}

/**
 * Which of the disk's two names is free for the new node, and which one (if any) is in
 * use. A node left by a grow that died before its reopen is unused: it is removed here.
 * The node in use refuses blockdev-del (its raw parent holds it).
 */
async function freeFileNode(
  q: QmpClient,
  backend: string,
): Promise<{ readonly next: string; readonly current?: string }> {
  const names = new Set((await nodeSizes(q)).keys());
  const [a, b] = nbdFileNodes(backend);
  let current: string | undefined;
  for (const n of [a, b].filter((x) => names.has(x))) {
    try {
      await deleteNode(q, n);
    } catch (err) {
      if (!(err instanceof QmpError) || !/busy|in use/i.test(err.message)) throw err;
      current = n;
    }
  }
  return current === a ? { next: b, current } : { next: a, ...(current && { current }) };
}

/** blockdev-del that resolves when the node is gone already. */
export async function deleteNode(q: QmpClient, nodeName: string): Promise<void> {
  try {
    await q.execute('blockdev-del', { 'node-name': nodeName });
  } catch (err) {
    if (err instanceof QmpError && /not found|failed to find/i.test(err.message)) return;
    throw err;
  }
}

async function nodeSizes(q: QmpClient): Promise<Map<string, number>> {
  const nodes = await q.execute<Array<{ 'node-name': string; image: { 'virtual-size': number } }>>(
    'query-named-block-nodes',
    { flat: true },
  );
  return new Map(nodes.map((n) => [n['node-name'], n.image['virtual-size']]));
}
