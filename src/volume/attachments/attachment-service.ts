import { InputError, NotFoundError } from '../../common/errors.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findVolume } from '../volumes/volume-service.js';
import type { VolumeRecord } from '../volumes/volume-store.js';
import { changeAttachments } from './attachment-status.js';
import { frontEndSpecsOf } from '../qos/qos-front-end.js';
import { connectionInfoOf, modeOf } from './connection-info.js';
import type { AttachmentFilter, AttachmentSortKey, VolumeAttachment } from './volume-attachment-store.js';
import {
  deleteVolumeAttachment,
  getVolumeAttachment,
  insertVolumeAttachment,
  listVolumeAttachments,
  updateVolumeAttachment,
} from './volume-attachment-store.js';

export function attachmentNotFound(id: string): NotFoundError {
  return new NotFoundError(
    'volume.attachment.not_found',
    `Volume attachment could not be found with filter: attachment_id = ${id}.`,
  );
}

/** The attachment when the caller may see its volume; 404 otherwise. */
export async function findAttachment(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
): Promise<VolumeAttachment> {
  const a = await getVolumeAttachment(deps.store.db, id);
  if (a === undefined) throw attachmentNotFound(id);
  await findVolume(deps, caller, a.volumeId).catch(() => {
    throw attachmentNotFound(id);
  });
  return a;
}

/** Cinder's _attachment_reserve check: a volume takes a new attachment only from these statuses. */
export function checkReservable(v: VolumeRecord): void {
  const ok = v.multiattach ? ['available', 'in-use', 'downloading'] : ['available', 'downloading'];
  if (ok.includes(v.status)) return;
  throw new InputError(
    'volume.volume.not_reservable',
    `Invalid volume: Volume ${v.id} status must be ${ok.join(' or ')}`,
  );
}

export interface AttachmentCreate {
  readonly volumeId: string;
  readonly instanceId: string;
  readonly connector: Readonly<Record<string, unknown>> | null;
  /** 3.54: 'rw' or 'ro'. */
  readonly mode: string | null;
}

/**
 * Cinder's attachment_create: reserves the volume for the instance (`reserved`) and, with
 * a connector, connects it at once (`attaching`, with connection_info). The consumer
 * attaches it and reports back with os-complete; Strata's own servers use compute's
 * os-volume_attachments, whose attachments the device seam drives.
 */
export async function createAttachment(
  deps: VolumeDeps,
  caller: VolumeCaller,
  req: AttachmentCreate,
): Promise<VolumeAttachment> {
  await findVolume(deps, caller, req.volumeId);
  const id = crypto.randomUUID();
  await changeAttachments(deps, req.volumeId, async (tx, v, existing) => {
    checkReservable(v);
    if (existing.some((a) => a.serverId === req.instanceId))
      throw new InputError(
        'volume.attachment.exists',
        `Invalid volume: Volume ${v.id} already has an attachment for instance ${req.instanceId}.`,
      );
    const now = deps.clock().toISOString();
    await insertVolumeAttachment(
      tx,
      {
        id,
        volumeId: v.id,
        serverId: req.instanceId,
        device: '',
        attachStatus: 'reserved',
        driver: 'api',
        attachMode: req.mode,
      },
      now,
    );
    if (req.connector !== null) await connect(deps, tx, v, id, req.connector, req.mode);
    return { value: undefined };
  });
  const a = await getVolumeAttachment(deps.store.db, id);
  if (a === undefined) throw attachmentNotFound(id);
  return a;
}

async function connect(
  deps: VolumeDeps,
  tx: Parameters<Parameters<typeof changeAttachments>[2]>[0],
  v: VolumeRecord,
  attachmentId: string,
  connector: Readonly<Record<string, unknown>>,
  mode: string | null,
): Promise<void> {
  const attachMode = modeOf(connector, mode);
  const mountpoint = connector['mountpoint'];
  await updateVolumeAttachment(tx, attachmentId, {
    attachStatus: 'attaching',
    connector,
    connectionInfo: connectionInfoOf(v, attachMode, await frontEndSpecsOf(tx, v)),
    attachMode,
    hostName: typeof connector['host'] === 'string' ? connector['host'] : null,
    ...(typeof mountpoint === 'string' && { device: mountpoint }),
  });
}

/** Cinder's attachment_update: the consumer's connector in, connection_info out (`attaching`). */
export async function updateAttachment(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  connector: Readonly<Record<string, unknown>>,
): Promise<VolumeAttachment> {
  const a = await findAttachment(deps, caller, id);
  if (a.driver === 'compute') throw computeDriven(a);
  await changeAttachments(deps, a.volumeId, async (tx, v, existing) => {
    const cur = existing.find((x) => x.id === id);
    if (cur === undefined) throw attachmentNotFound(id);
    if (cur.attachStatus === 'attached') {
      // Reconnecting an attached consumer (Nova's host change) keeps it attached.
      await updateVolumeAttachment(tx, id, {
        connector,
        connectionInfo: connectionInfoOf(v, modeOf(connector, cur.attachMode), await frontEndSpecsOf(tx, v)),
      });
      return { value: undefined };
    }
    await connect(deps, tx, v, id, connector, cur.attachMode);
    return { value: undefined };
  });
  return findAttachment(deps, caller, id);
}

/** Cinder's os-complete (3.44): the consumer has the volume; the volume is `in-use`. */
export async function completeAttachment(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  const a = await findAttachment(deps, caller, id);
  if (a.driver === 'compute') throw computeDriven(a);
  await changeAttachments(deps, a.volumeId, async (tx, _v, existing) => {
    if (!existing.some((x) => x.id === id)) throw attachmentNotFound(id);
    const now = deps.clock().toISOString();
    await updateVolumeAttachment(tx, id, { attachStatus: 'attached', attachedAt: now });
    return { value: undefined };
  });
}

/**
 * Cinder's attachment_delete. An outside consumer's attachment goes at once; one the
 * device seam drives goes `detaching` and the volume reconciler takes the disk off the
 * server before dropping it, so the record never says less than the server has.
 */
export async function deleteAttachment(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  const a = await findAttachment(deps, caller, id);
  await changeAttachments(deps, a.volumeId, async (tx, _v, existing) => {
    const cur = existing.find((x) => x.id === id);
    if (cur === undefined) throw attachmentNotFound(id);
    if (cur.driver === 'api') await deleteVolumeAttachment(tx, id);
    else if (cur.attachStatus !== 'detaching')
      await updateVolumeAttachment(tx, id, { attachStatus: 'detaching' });
    return { value: undefined };
  });
}

function computeDriven(a: VolumeAttachment): InputError {
  return new InputError(
    'volume.attachment.compute_driven',
    `Invalid volume: Attachment ${a.id} is managed by the compute service; use its os-volume_attachments API.`,
  );
}

export interface AttachmentListRequest extends AttachmentFilter {
  readonly sort: ReadonlyArray<{ readonly key: AttachmentSortKey; readonly dir: 'asc' | 'desc' }>;
}

export async function listAttachments(
  deps: VolumeDeps,
  req: AttachmentListRequest,
): Promise<VolumeAttachment[]> {
  return listVolumeAttachments(deps.store.db, req, req.sort);
}
