import type { WorkloadDisk } from '../../agent/drivers/driver.js';
import { InputError, NotFoundError } from '../../common/errors.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from '../volumes/volume-service.js';
import { updateVolumeIf } from '../volumes/volume-store.js';
import type { VolumeAttachment } from './volume-attachment-store.js';
import {
  attachmentsOfServer,
  attachmentsOfVolumes,
  deleteVolumeAttachment,
  insertVolumeAttachment,
  markDetaching,
} from './volume-attachment-store.js';

/** What compute needs to put a reserved volume on a server. */
export interface VolumeReservation {
  readonly attachment: VolumeAttachment;
  readonly disk: WorkloadDisk;
}

/**
 * Reserves an available volume for a server (Cinder's os-reserve): the volume goes
 * `attaching` with an attachment row; the reconciler makes it `in-use` once the server
 * has the disk. `device` is the guest name asked for, else the next free /dev/vdX.
 */
export async function reserveVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  volumeId: string,
  serverId: string,
  device?: string,
): Promise<VolumeReservation> {
  const v = await findVolume(deps, caller, volumeId);
  if (v.status !== 'available')
    throw new InputError(
      'volume.volume.not_available',
      `Invalid volume: Volume ${volumeId} status must be available to reserve, but the status is ${v.status}.`,
    );
  if (await copyInProgress(deps, volumeId))
    throw new InputError(
      'volume.volume.copy_in_progress',
      `Invalid volume: Volume ${volumeId} is being snapshotted or cloned; try again.`,
    );
  const name = device ?? nextDeviceName(await attachmentsOfServer(deps.store.db, serverId));
  const now = deps.clock().toISOString();
  const attachment = { id: crypto.randomUUID(), volumeId, serverId, device: name };
  const won = await deps.store.write(async (tx) => {
    if (!(await updateVolumeIf(tx, volumeId, v.generation, { status: 'attaching' }, now))) return false;
    await insertVolumeAttachment(tx, attachment, now);
    return true;
  });
  if (!won)
    throw new InputError(
      'volume.volume.not_available',
      `Invalid volume: Volume ${volumeId} is being changed.`,
    );
  deps.wake(volumeId);
  return {
    attachment: { ...attachment, attachStatus: 'attaching', hostName: null, attachedAt: null },
    disk: diskOf(deps, volumeId, name),
  };
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

export function diskOf(deps: VolumeDeps, volumeId: string, deviceName: string): WorkloadDisk {
  return { volumeId, source: deps.pool.pathOf(volumeId), format: 'qcow2', readOnly: false, deviceName };
}

/** Undoes a reservation whose attach request compute could not make. */
export async function unreserveVolume(
  deps: VolumeDeps,
  volumeId: string,
  attachmentId: string,
): Promise<void> {
  const v = await getAttaching(deps, volumeId);
  if (v === undefined) return;
  await deps.store.write(async (tx) => {
    if (await updateVolumeIf(tx, volumeId, v.generation, { status: 'available' }, deps.clock().toISOString()))
      await deleteVolumeAttachment(tx, attachmentId);
  });
}

async function getAttaching(deps: VolumeDeps, volumeId: string) {
  const v = await findVolume(deps, { projectId: '', userId: '', isAdmin: true }, volumeId);
  return v.status === 'attaching' ? v : undefined;
}

/** Starts a detach (Cinder's os-begin_detaching): `detaching` until the server lost the disk. */
export async function beginDetach(
  deps: VolumeDeps,
  caller: VolumeCaller,
  volumeId: string,
  serverId: string,
): Promise<void> {
  const v = await findVolume(deps, caller, volumeId);
  const a = (await attachmentsOfVolumes(deps.store.db, [volumeId]))
    .get(volumeId)
    ?.find((x) => x.serverId === serverId);
  if (a === undefined) throw notAttached(volumeId, serverId);
  if (v.status === 'detaching') return;
  if (v.status !== 'in-use')
    throw new InputError(
      'volume.volume.not_in_use',
      `Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`,
    );
  const now = deps.clock().toISOString();
  await deps.store.write(async (tx) => {
    if (await updateVolumeIf(tx, volumeId, v.generation, { status: 'detaching' }, now))
      await markDetaching(tx, a.id);
  });
  deps.wake(volumeId);
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
