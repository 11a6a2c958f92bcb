import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { VolumeDeps } from '../volume-deps.js';
import type { VolumeAttachment } from '../attachments/volume-attachment-store.js';
import {
  attachmentsOfVolumes,
  deleteVolumeAttachment,
  markAttached,
} from '../attachments/volume-attachment-store.js';
import { diskOf } from '../attachments/volume-attachment-service.js';
import { copyImageToVolume } from './volume-image.js';
import { uploadToImage } from './volume-upload.js';
import type { VolumeRecord } from './volume-store.js';
import { deleteVolumeIf, getVolume, listVolumeIdsIn, updateVolumeIf } from './volume-store.js';

const pollMs = 200;
const done: ReconcileResult = {};
const again: ReconcileResult = { requeueAfterMs: pollMs };

/**
 * While the host works on a disk: soon after the change (an attach takes tens of
 * milliseconds on a fake host), then backing off to once a second for slow hosts.
 */
function poll(deps: VolumeDeps, v: VolumeRecord): ReconcileResult {
  const age = deps.clock().getTime() - Date.parse(v.updatedAt ?? v.createdAt);
  return { requeueAfterMs: Math.min(1000, Math.max(20, Math.round(age / 4))) };
}

/**
 * Level-triggered, one volume per key: reads the volume, its attachment and what the
 * server really has, and takes one step. Every step is idempotent (qemu-img create
 * replays, rm -f, the device seam's attach/detach), so kill -9 anywhere only delays it.
 *
 *   creating ─► available ─► attaching ─► in-use ─► detaching ─► available
 *       └─► error           deleting ─► (gone)      (server deleted ─► available)
 *                           extending ─► available (or error_extending)
 */
export function volumeReconciler(deps: VolumeDeps): Reconciler {
  return {
    name: 'volume',
    listKeys: () =>
      listVolumeIdsIn(deps.store.db, [
        'creating',
        'downloading',
        'uploading',
        'deleting',
        'extending',
        'attaching',
        'detaching',
        'in-use',
      ]),
    async reconcile(id, signal) {
      const v = await getVolume(deps.store.db, id);
      if (v === undefined) return done;
      const a = (await attachmentsOfVolumes(deps.store.db, [id])).get(id)?.[0];
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
          if (!(await deleteVolumeIf(deps.store.db, id, v.generation))) return again;
          return done;
        case 'extending':
          return extend(deps, v, signal);
        case 'attaching':
          return a === undefined ? settle(deps, v, 'available') : attaching(deps, v, a);
        case 'in-use':
          return a === undefined ? settle(deps, v, 'available') : inUse(deps, v, a);
        case 'detaching':
          return a === undefined ? settle(deps, v, 'available') : detaching(deps, v, a);
        default:
          return done;
      }
    },
  };
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
  try {
    await deps.pool.extend(v.id, v.size, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    deps.log.error({ err, volumeId: v.id }, 'volume extend failed');
    return settle(deps, v, 'error_extending');
  }
  return settle(deps, v, 'available');
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

async function dropAttachment(
  deps: VolumeDeps,
  v: VolumeRecord,
  a: VolumeAttachment,
): Promise<ReconcileResult> {
  const now = deps.clock().toISOString();
  const ok = await deps.store.write(async (tx) => {
    if (!(await updateVolumeIf(tx, v.id, v.generation, { status: 'available' }, now))) return false;
    await deleteVolumeAttachment(tx, a.id);
    return true;
  });
  return ok ? done : again;
}

async function attaching(deps: VolumeDeps, v: VolumeRecord, a: VolumeAttachment): Promise<ReconcileResult> {
  const port = deps.devices();
  const d = await port.disk(a.serverId, v.id);
  if (d.kind === 'no-server') return dropAttachment(deps, v, a);
  // Reserved but never requested (compute died in between): request it now.
  if (d.kind === 'absent' || d.desired === 'detached') {
    await port.attach(a.serverId, diskOf(deps, v.id, a.device));
    return poll(deps, v);
  }
  if (d.status === 'error') {
    deps.log.warn({ volumeId: v.id, serverId: a.serverId }, 'volume attach failed on the host');
    await port.detach(a.serverId, v.id);
    return dropAttachment(deps, v, a);
  }
  if (d.status !== 'attached') return poll(deps, v);
  const now = deps.clock().toISOString();
  const ok = await deps.store.write(async (tx) => {
    if (!(await updateVolumeIf(tx, v.id, v.generation, { status: 'in-use' }, now))) return false;
    await markAttached(tx, a.id, d.host, now);
    return true;
  });
  return ok ? done : again;
}

/** A volume stays in use while its server exists; a deleted server frees it. */
async function inUse(deps: VolumeDeps, v: VolumeRecord, a: VolumeAttachment): Promise<ReconcileResult> {
  const d = await deps.devices().disk(a.serverId, v.id);
  return d.kind === 'no-server' ? dropAttachment(deps, v, a) : done;
}

async function detaching(deps: VolumeDeps, v: VolumeRecord, a: VolumeAttachment): Promise<ReconcileResult> {
  const port = deps.devices();
  const d = await port.disk(a.serverId, v.id);
  if (d.kind !== 'present') return dropAttachment(deps, v, a);
  if (d.desired === 'attached') await port.detach(a.serverId, v.id);
  else if (d.status === 'error') return detachFailed(deps, v, a);
  return poll(deps, v);
}

/** The host could not take the disk off: the volume is still in use there (Cinder's error_detaching). */
async function detachFailed(
  deps: VolumeDeps,
  v: VolumeRecord,
  a: VolumeAttachment,
): Promise<ReconcileResult> {
  deps.log.warn({ volumeId: v.id, serverId: a.serverId }, 'volume detach failed on the host');
  const now = deps.clock().toISOString();
  const ok = await deps.store.write(async (tx) => {
    if (!(await updateVolumeIf(tx, v.id, v.generation, { status: 'in-use' }, now))) return false;
    await markAttached(tx, a.id, a.hostName, a.attachedAt ?? now);
    return true;
  });
  return ok ? done : again;
}
