import type { DiskQos, WorkloadDisk } from '../../agent/drivers/driver.js';
import { InputError, NotFoundError } from '../../common/errors.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { diskQosOf, frontEndSpecsOf } from '../qos/qos-front-end.js';
import { findVolume } from '../volumes/volume-service.js';
import { changeAttachments } from './attachment-status.js';
import { checkReservable } from './attachment-service.js';
import { connectionInfoOf } from './connection-info.js';
import type { VolumeAttachment } from './volume-attachment-store.js';
import {
  attachmentsOfServer,
  attachmentsOfVolume,
  deleteVolumeAttachment,
  getVolumeAttachment,
  insertVolumeAttachment,
  markDetaching,
  updateVolumeAttachment,
} from './volume-attachment-store.js';

/** What compute needs to put a reserved volume on a server. */
export interface VolumeReservation {
  readonly attachment: VolumeAttachment;
  readonly disk: WorkloadDisk;
}

export interface ReserveOptions {
  /** The guest name asked for; the next free /dev/vdX when omitted. */
  readonly device?: string;
  /** Nova allows multiattach volumes from compute 2.60 only. */
  readonly supportsMultiattach?: boolean;
}

/**
 * Compute's attach, as Nova drives Cinder's attachments (create with the host's connector,
 * then complete): the attachment is recorded `attaching` with its connection_info, and the
 * volume reconciler completes it (`attached`, volume `in-use`) once the server has the disk.
 */
export async function reserveVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  volumeId: string,
  serverId: string,
  opts: ReserveOptions = {},
): Promise<VolumeReservation> {
  const v = await findVolume(deps, caller, volumeId);
  if (v.multiattach && opts.supportsMultiattach !== true)
    throw new InputError(
      'compute.volume.multiattach_old_microversion',
      'Multiattach volumes are only supported starting with compute API version 2.60.',
    );
  if (await copyInProgress(deps, volumeId))
    throw new InputError(
      'volume.volume.copy_in_progress',
      `Invalid volume: Volume ${volumeId} is being snapshotted or cloned; try again.`,
    );
  const id = crypto.randomUUID();
  const device = opts.device ?? nextDeviceName(await attachmentsOfServer(deps.store.db, serverId));
  const qosSpecs = await frontEndSpecsOf(deps.store.db, v);
  await changeAttachments(deps, volumeId, async (tx, cur, existing) => {
    if (existing.some((a) => a.serverId === serverId))
      throw new InputError('volume.attachment.exists', `Invalid volume: volume ${volumeId} already attached`);
    checkReservable(cur);
    const now = deps.clock().toISOString();
    await insertVolumeAttachment(tx, { id, volumeId, serverId, device, driver: 'compute' }, now);
    await updateVolumeAttachment(tx, id, { connectionInfo: connectionInfoOf(cur, 'rw', qosSpecs) });
    return { value: undefined };
  });
  const attachment = await getVolumeAttachment(deps.store.db, id);
  if (attachment === undefined) throw notAttached(volumeId, serverId);
  return { attachment, disk: diskOf(deps, volumeId, device, undefined, diskQosOf(qosSpecs)) };
}

/** A snapshot or clone of the volume still being made (the reconciler may be freezing its file). */
async function copyInProgress(deps: VolumeDeps, volumeId: string): Promise<boolean> {
  const db = deps.store.db;
  const snap = await db
    .selectFrom('volume_snapshots')
    .select('id')
    .where('volume_id', '=', volumeId)
    .where('status', '=', 'creating')
    .executeTakeFirst();
  if (snap !== undefined) return true;
  const clone = await db
    .selectFrom('volumes')
    .select('id')
    .where('source_volid', '=', volumeId)
    .where('status', '=', 'creating')
    .executeTakeFirst();
  return clone !== undefined;
}

/**
 * The disk compute puts on a server; `sizeGb` only when the server must grow it (in-use
 * extend); `qos`, the type's front-end limits (the hypervisor throttles the disk to them).
 */
export function diskOf(
  deps: VolumeDeps,
  volumeId: string,
  deviceName: string,
  sizeGb?: number,
  qos?: DiskQos,
): WorkloadDisk {
  return {
    volumeId,
    source: deps.pool.pathOf(volumeId),
    format: 'qcow2',
    readOnly: false,
    deviceName,
    ...(sizeGb !== undefined && { sizeBytes: sizeGb * 1024 ** 3 }),
    ...(qos !== undefined && { qos }),
  };
}

/** diskOf with the volume type's front-end QoS, read now (a replayed attach gets today's limits). */
export async function qosDiskOf(
  deps: VolumeDeps,
  v: { readonly id: string; readonly volumeTypeId: string; readonly size: number },
  deviceName: string,
  sizeGb?: number,
): Promise<WorkloadDisk> {
  const qos = diskQosOf(await frontEndSpecsOf(deps.store.db, v));
  return diskOf(deps, v.id, deviceName, sizeGb, qos);
}

/** Undoes a reservation whose attach request compute could not make. */
export async function unreserveVolume(
  deps: VolumeDeps,
  volumeId: string,
  attachmentId: string,
): Promise<void> {
  await changeAttachments(deps, volumeId, async (tx, _v, existing) => {
    if (existing.some((a) => a.id === attachmentId && a.attachStatus === 'attaching'))
      await deleteVolumeAttachment(tx, attachmentId);
    return { value: undefined };
  });
}

/** Starts compute's detach: the attachment goes `detaching` until the server lost the disk. */
export async function beginDetach(
  deps: VolumeDeps,
  caller: VolumeCaller,
  volumeId: string,
  serverId: string,
): Promise<void> {
  await findVolume(deps, caller, volumeId);
  const a = (await attachmentsOfVolume(deps.store.db, volumeId)).find((x) => x.serverId === serverId);
  if (a === undefined) throw notAttached(volumeId, serverId);
  if (a.attachStatus === 'detaching') return;
  await changeAttachments(deps, volumeId, async (tx, v, existing) => {
    const cur = existing.find((x) => x.id === a.id);
    if (cur === undefined) throw notAttached(volumeId, serverId);
    if (cur.attachStatus !== 'attached' || v.status === 'extending')
      throw new InputError(
        'volume.volume.not_in_use',
        `Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`,
      );
    await markDetaching(tx, a.id);
    return { value: undefined };
  });
}

export function notAttached(volumeId: string, serverId: string): NotFoundError {
  return new NotFoundError(
    'volume.attachment.not_found',
    `volume_id not found: ${volumeId} is not attached to ${serverId}.`,
  );
}

/** The first /dev/vdX after vda (the root disk) that no attachment of the server uses. */
export function nextDeviceName(existing: ReadonlyArray<Pick<VolumeAttachment, 'device'>>): string {
  const used = new Set(existing.map((a) => a.device));
  for (let c = 'b'.charCodeAt(0); c <= 'z'.charCodeAt(0); c++) {
    const name = `/dev/vd${String.fromCharCode(c)}`;
    if (!used.has(name)) return name;
  }
  throw new InputError('volume.attachment.no_device', 'No free device name left on the server.');
}
