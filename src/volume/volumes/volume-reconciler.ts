import { syncExports } from '../exports/volume-export-service.js';
import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { VolumeDeps } from '../volume-deps.js';
import type { VolumeAttachment } from '../attachments/volume-attachment-store.js';
import { attachmentsOfVolume, volumeIdsWithAttachmentsIn } from '../attachments/volume-attachment-store.js';
import { qosDiskOf } from '../attachments/volume-attachment-service.js';
import { reconcileAttachments } from '../attachments/attachment-reconcile.js';
import { copyImageToVolume } from './volume-image.js';
import { uploadToImage } from './volume-upload.js';
import type { VolumeRecord } from './volume-store.js';
import { getVolume, listVolumeIdsIn, updateVolumeIf } from './volume-store.js';
import { removeVolumeRow } from '../capacity/backend-claims.js';

const pollMs = 200;
const done: ReconcileResult = {};
const again: ReconcileResult = { requeueAfterMs: pollMs };

/**
 * Level-triggered, one volume per key: reads the volume, its attachments and what the
 * servers really have, and takes one step. Every step is idempotent (qemu-img create
 * replays, rm -f, the device seam's attach/detach), so kill -9 anywhere only delays it.
 * While attached, the volume's status follows its attachments (attachment-status.ts).
 *
 *   creating ─► available ─► attaching ─► in-use ─► detaching ─► available
 *       └─► error           deleting ─► (gone)      (server deleted ─► available)
 *                           extending ─► available or in-use (or error_extending)
 */
export function volumeReconciler(deps: VolumeDeps): Reconciler {
  return {
    name: 'volume',
    listKeys: async () => [
      ...new Set([
        ...(await listVolumeIdsIn(deps.store.db, [
          'creating',
          'downloading',
          'uploading',
          'deleting',
          'extending',
          'reserved',
          'attaching',
          'detaching',
          'in-use',
        ])),
        // A reset with attach_status=detached: the disks still leave their servers.
        ...(await volumeIdsWithAttachmentsIn(deps.store.db, ['detaching'])),
      ]),
    ],
    async reconcile(id, signal) {
      const v = await getVolume(deps.store.db, id);
      if (v === undefined) return done;
      if (v.statusReset) return reconcileWhileReset(deps, v);
      switch (v.status) {
        case 'creating':
          // From an image: Cinder shows `downloading` while the data is copied.
          if (v.imageId !== null) return startDownload(deps, v);
          return create(deps, v, signal);
        case 'downloading':
          return create(deps, v, signal);
        case 'uploading':
          return uploadToImage(deps, v, signal);
        case 'deleting':
          await deps.pool.remove(id, signal);
          // The row and its capacity claim go together.
          if (!(await removeVolumeRow(deps, v))) return again;
          return done;
        case 'extending':
          return extend(deps, v, signal);
        case 'reserved':
        case 'attaching':
        case 'in-use':
        case 'detaching':
          return reconcileAttachments(deps, v, await attachmentsOfVolume(deps.store.db, id));
        default:
          return done;
      }
    },
  };
}

/**
 * An admin's os-reset_status only records a status: no work follows from it (a volume
 * reset to `creating` is not made again, one reset to `available` keeps its disks on
 * their servers). Only disks the reset itself sent away (attach_status=detached) leave.
 */
async function reconcileWhileReset(deps: VolumeDeps, v: VolumeRecord): Promise<ReconcileResult> {
  const attachments = await attachmentsOfVolume(deps.store.db, v.id);
  if (!attachments.some((a) => a.attachStatus === 'detaching')) return done;
  return reconcileAttachments(deps, v, attachments);
}

async function create(deps: VolumeDeps, v: VolumeRecord, signal: AbortSignal): Promise<ReconcileResult> {
  let status: 'available' | 'error' = 'available';
  try {
    await makeFile(deps, v, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    deps.log.error({ err, volumeId: v.id }, 'volume create failed');
    status = 'error';
    await deps.pool
      .remove(v.id)
      .catch((e: unknown) => deps.log.warn({ err: e, volumeId: v.id }, 'could not remove a failed volume'));
  }
  return settle(deps, v, status);
}

async function extend(deps: VolumeDeps, v: VolumeRecord, signal: AbortSignal): Promise<ReconcileResult> {
  const attached = (await attachmentsOfVolume(deps.store.db, v.id)).filter(
    (a) => a.attachStatus === 'attached',
  );
  if (attached.length > 0) return extendInUse(deps, v, attached);
  try {
    await deps.pool.extend(v.id, v.size, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    deps.log.error({ err, volumeId: v.id }, 'volume extend failed');
    return settle(deps, v, 'error_extending');
  }
  return settle(deps, v, 'available');
}

/**
 * In-use extend (3.42): each server's host grows the disk under its workload (QEMU's
 * block_resize, or the file for a container), asked through the device seam with the new
 * size; the volume is in-use again once every host has reported it.
 */
async function extendInUse(
  deps: VolumeDeps,
  v: VolumeRecord,
  attached: ReadonlyArray<VolumeAttachment>,
): Promise<ReconcileResult> {
  const want = v.size * 1024 ** 3;
  // An exported volume grows in the export server first: it holds the file's write lock.
  try {
    if (await deps.exports?.server.grow(v.id, want)) await syncExports(deps);
  } catch (err) {
    deps.log.error({ err, volumeId: v.id }, 'growing the NBD export failed');
    return settle(deps, v, 'error_extending');
  }
  const port = deps.devices();
  let pending = false;
  for (const a of attached) {
    const d = await port.disk(a.serverId, v.id);
    if (d.kind !== 'present') continue;
    if (d.status === 'error') {
      deps.log.warn({ volumeId: v.id, serverId: a.serverId }, 'in-use extend failed on the host');
      await port.extended?.(a.serverId, v.id, false);
      return settle(deps, v, 'error_extending');
    }
    if ((d.sizeBytes ?? 0) < want) {
      await port.attach(a.serverId, await qosDiskOf(deps, v, a.device, v.size));
      pending = true;
    } else if (d.status !== 'attached') pending = true;
  }
  if (pending) return { requeueAfterMs: 100 };
  for (const a of attached) await port.extended?.(a.serverId, v.id, true);
  return settle(deps, v, 'in-use');
}

async function startDownload(deps: VolumeDeps, v: VolumeRecord): Promise<ReconcileResult> {
  const now = deps.clock().toISOString();
  await updateVolumeIf(deps.store.db, v.id, v.generation, { status: 'downloading' }, now);
  return { requeueAfterMs: 1 };
}

/** Empty, from an image, an overlay of a snapshot, or a clone (copy-on-write unless the source is open). */
async function makeFile(deps: VolumeDeps, v: VolumeRecord, signal: AbortSignal): Promise<void> {
  if (v.imageId !== null) return copyImageToVolume(deps, v.id, v.imageId, v.size, signal);
  if (v.snapshotId !== null) return deps.pool.fromSnapshot(v.id, v.snapshotId, v.size, signal);
  if (v.sourceVolid !== null) {
    const src = await getVolume(deps.store.db, v.sourceVolid);
    if (src === undefined) throw new Error(`source volume ${v.sourceVolid} is gone`);
    return deps.pool.clone(v.id, src.id, v.size, src.status !== 'available', signal);
  }
  await deps.pool.create(v.id, v.size, signal);
}

async function settle(
  deps: VolumeDeps,
  v: VolumeRecord,
  status: VolumeRecord['status'],
): Promise<ReconcileResult> {
  return (await updateVolumeIf(deps.store.db, v.id, v.generation, { status }, deps.clock().toISOString()))
    ? done
    : again;
}
