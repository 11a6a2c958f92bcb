import { InputError } from '../../common/errors.js';
import type { VolumeStatus } from '../../db/tables/volume-tables.js';
import { changeAttachments, volumeStatusOf } from '../attachments/attachment-status.js';
import { attachmentNotFound } from '../attachments/attachment-service.js';
import { deleteVolumeAttachment, updateVolumeAttachment } from '../attachments/volume-attachment-store.js';
import { snapshotsOfVolume } from '../snapshots/snapshot-store.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from './volume-service.js';

/** Cinder's VolumeStatus.ALL: what os-reset_status may set. */
const volumeStatuses: ReadonlyArray<VolumeStatus> = [
  'creating',
  'available',
  'deleting',
  'error',
  'error_deleting',
  'error_managing',
  'managing',
  'attaching',
  'in-use',
  'detaching',
  'maintenance',
  'restoring-backup',
  'error_restoring',
  'reserved',
  'awaiting-transfer',
  'backing-up',
  'error_backing-up',
  'error_extending',
  'downloading',
  'uploading',
  'retyping',
  'extending',
];
const attachStatuses = [
  'attached',
  'attaching',
  'detached',
  'reserved',
  'error_attaching',
  'error_detaching',
  'deleted',
];
const migrationStatuses = ['migrating', 'error', 'success', 'completing', 'none', 'starting'];

export interface VolumeReset {
  readonly status?: string | null | undefined;
  readonly attach_status?: string | null | undefined;
  readonly migration_status?: string | null | undefined;
}

function checked(field: string, value: string | null | undefined, valid: ReadonlyArray<string>) {
  if (value === undefined || value === null || value === '') return undefined;
  const v = value.toLowerCase();
  if (!valid.includes(v))
    throw new InputError(
      'volume.volume.bad_reset',
      `Invalid input for field/attribute ${field}. Value: ${value}. ${value} is not a valid ${field}.`,
    );
  return v;
}

/**
 * os-reset_status: records what the admin says, as Cinder does, and starts no work. The
 * volume is marked reset, so the reconciler leaves a status like `creating` or `deleting`
 * alone until an API call moves the volume on. Attachments stay unless attach_status is
 * `detached`: then the disks really leave their servers (the reconciler takes them off and
 * drops the rows), and outside consumers' records are dropped, as Cinder drops them all.
 */
export async function resetVolumeStatus(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  req: VolumeReset,
): Promise<void> {
  const status = checked('status', req.status, volumeStatuses) as VolumeStatus | undefined;
  const attach = checked('attach_status', req.attach_status, attachStatuses);
  const migration = checked('migration_status', req.migration_status, migrationStatuses);
  if (status === undefined && attach === undefined && migration === undefined)
    throw new InputError(
      'volume.volume.bad_reset',
      "Must specify 'status', 'attach_status' or 'migration_status' for update.",
    );
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (tx, v, existing) => {
    if (attach === 'detached')
      for (const a of existing)
        if (a.driver === 'compute' && a.attachStatus !== 'reserved')
          await updateVolumeAttachment(tx, a.id, { attachStatus: 'detaching' });
        else await deleteVolumeAttachment(tx, a.id);
    const set = {
      ...(migration !== undefined && { migration_status: migration === 'none' ? null : migration }),
      ...(status !== undefined && { status_reset: 1 }),
    };
    return { value: undefined, status: status ?? v.status, set };
  });
}

/**
 * os-force_delete: deletes whatever the status (Cinder's force), but not a volume a server
 * still has or one with snapshots. The reconciler removes the file and the row.
 */
export async function forceDeleteVolume(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  await findVolume(deps, caller, id);
  if ((await snapshotsOfVolume(deps.store.db, id)).length > 0) throw notForceDeletable();
  await changeAttachments(deps, id, async (tx, _v, existing) => {
    if (existing.some((a) => a.attachStatus !== 'reserved')) throw notForceDeletable();
    for (const a of existing) await deleteVolumeAttachment(tx, a.id);
    return { value: undefined, status: 'deleting' as const, set: { status_reset: 0 } };
  });
}

function notForceDeletable(): InputError {
  return new InputError(
    'volume.volume.not_deletable',
    'Invalid volume: Volume must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.',
  );
}

/**
 * os-force_detach: takes the attachment off whatever the volume's status (an admin's way
 * out of `error` or a stuck `detaching`). A disk on a server goes `detaching`, so the
 * reconciler removes it there before the record goes and the volume is `available`.
 */
export async function forceDetachVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  attachmentId: string | null,
): Promise<void> {
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (tx, _v, existing) => {
    if (attachmentId === null && existing.length > 1)
      throw new InputError(
        'volume.volume.bad_detach',
        'Invalid volume: Detach volume failed: More than one attachment, but no attachment_id provided.',
      );
    const a = attachmentId === null ? existing[0] : existing.find((x) => x.id === attachmentId);
    if (a === undefined && attachmentId !== null) throw attachmentNotFound(attachmentId);
    if (a === undefined) return { value: undefined, status: 'available' as const, set: { status_reset: 0 } };
    const onServer = a.driver === 'compute' && a.attachStatus !== 'reserved';
    if (onServer) await updateVolumeAttachment(tx, a.id, { attachStatus: 'detaching' });
    else await deleteVolumeAttachment(tx, a.id);
    const after = existing
      .filter((x) => x.id !== a.id || onServer)
      .map((x) => ({ attachStatus: x.id === a.id ? ('detaching' as const) : x.attachStatus }));
    // The status follows the attachments again, whatever it was.
    return { value: undefined, status: volumeStatusOf(after), set: { status_reset: 0 } };
  });
}
