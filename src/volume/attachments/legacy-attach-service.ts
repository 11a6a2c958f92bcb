import { InputError } from '../../common/errors.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from '../volumes/volume-service.js';
import type { VolumeRecord } from '../volumes/volume-store.js';
import { attachmentNotFound } from './attachment-service.js';
import { changeAttachments } from './attachment-status.js';
import { frontEndSpecsOf } from '../qos/qos-front-end.js';
import { connectionInfoOf, modeOf } from './connection-info.js';
import {
  deleteVolumeAttachment,
  insertVolumeAttachment,
  updateVolumeAttachment,
} from './volume-attachment-store.js';

/*
 * Cinder's volume actions from before the attachments API (os-reserve … os-detach). The
 * consumer (an older Nova, a bare-metal service, a script) does the attach itself and
 * tells Cinder each step; these only move the record, as Cinder's do.
 */

function invalid(reason: string): InputError {
  return new InputError('volume.volume.invalid_state', `Invalid volume: ${reason}`);
}

/** os-reserve: available (or in-use when multiattach) → attaching. */
export async function legacyReserve(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (_tx, v) => {
    const ok = v.multiattach ? ['available', 'in-use'] : ['available'];
    if (!ok.includes(v.status))
      throw invalid(`Volume status must be ${ok.join(' or ')} to reserve, but the status is ${v.status}.`);
    return { value: undefined, status: 'attaching' };
  });
}

/** os-unreserve: attaching → in-use when something is attached, else available; other states unchanged. */
export async function legacyUnreserve(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (_tx, v, existing) => {
    if (v.status !== 'attaching') return { value: undefined, status: v.status };
    return { value: undefined, status: existing.length > 0 ? 'in-use' : 'available' };
  });
}

/** os-begin_detaching: in-use → detaching. */
export async function legacyBeginDetaching(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
): Promise<void> {
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (_tx, v, existing) => {
    if (v.status !== 'in-use' || !existing.some((a) => a.attachStatus === 'attached'))
      throw invalid(
        "Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.",
      );
    return { value: undefined, status: 'detaching' };
  });
}

/** os-roll_detaching: detaching → in-use; other states unchanged. */
export async function legacyRollDetaching(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (_tx, v) => ({
    value: undefined,
    status: v.status === 'detaching' ? 'in-use' : v.status,
  }));
}

export interface LegacyAttach {
  readonly instanceUuid: string | null;
  readonly hostName: string | null;
  readonly mountpoint: string;
  readonly mode: string | null;
}

/** os-attach: the consumer attached it; records the attachment `attached` and the volume in-use. */
export async function legacyAttach(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  req: LegacyAttach,
): Promise<void> {
  if (req.instanceUuid === null)
    throw new InputError(
      'volume.attach.no_target',
      // Strata records attachments per server; a host-only attach has nothing to name it by.
      'Invalid request to attach volume to an invalid target',
    );
  const instance = req.instanceUuid;
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (tx, v, existing) => {
    const mine = existing.find((a) => a.serverId === instance);
    if (mine?.attachStatus === 'attached') return { value: undefined };
    checkAttachable(v, existing.filter((a) => a !== mine).length);
    const now = deps.clock().toISOString();
    const attachmentId = mine?.id ?? crypto.randomUUID();
    if (mine === undefined)
      await insertVolumeAttachment(
        tx,
        { id: attachmentId, volumeId: id, serverId: instance, device: req.mountpoint, driver: 'api' },
        now,
      );
    const mode = req.mode ?? 'rw';
    await updateVolumeAttachment(tx, attachmentId, {
      attachStatus: 'attached',
      attachedAt: now,
      hostName: req.hostName,
      device: req.mountpoint,
      attachMode: mode,
      connectionInfo: mine?.connectionInfo ?? connectionInfoOf(v, mode, await frontEndSpecsOf(tx, v)),
    });
    return { value: undefined };
  });
}

/** Cinder's manager refuses a second attachment of a volume that is not multiattach. */
function checkAttachable(v: VolumeRecord, others: number): void {
  if (others > 0 && !v.multiattach) throw invalid('volume is already attached');
  const ok = ['available', 'attaching', 'reserved', 'in-use'];
  if (!ok.includes(v.status))
    throw invalid(`Volume status must be available or attaching to attach, but the status is ${v.status}.`);
}

/**
 * os-detach: drops the attachment (the one named, or the only one). One the device seam
 * drives goes `detaching` instead, so the disk leaves the server before the record does.
 */
export async function legacyDetach(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  attachmentId: string | null,
): Promise<void> {
  await findVolume(deps, caller, id);
  await changeAttachments(deps, id, async (tx, _v, existing) => {
    if (attachmentId === null && existing.length > 1)
      throw invalid('Detach volume failed: More than one attachment, but no attachment_id provided.');
    const a = attachmentId === null ? existing[0] : existing.find((x) => x.id === attachmentId);
    if (a === undefined) {
      if (attachmentId !== null) throw attachmentNotFound(attachmentId);
      return { value: undefined };
    }
    if (a.driver === 'api') await deleteVolumeAttachment(tx, a.id);
    else if (a.attachStatus === 'attached')
      await updateVolumeAttachment(tx, a.id, { attachStatus: 'detaching' });
    return { value: undefined };
  });
}

/** os-initialize_connection: the connection_info for a consumer's connector (no state change). */
export async function legacyInitializeConnection(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  connector: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const v = await findVolume(deps, caller, id);
  if (['creating', 'deleting', 'error', 'error_deleting', 'maintenance'].includes(v.status))
    throw invalid(`The volume connection cannot be initialized while the volume is ${v.status}.`);
  return connectionInfoOf(v, modeOf(connector, null), await frontEndSpecsOf(deps.store.db, v));
}
