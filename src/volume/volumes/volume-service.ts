import { InputError, NotFoundError } from '../../common/errors.js';
import { checkVolumeQuota } from '../quotas/volume-quota-service.js';
import { findSnapshot } from '../snapshots/snapshot-service.js';
import { resolveVolumeType } from '../types/volume-type-service.js';
import { snapshotsOfVolume, updateSnapshotIf } from '../snapshots/snapshot-store.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import type { VolumeAttachment } from '../attachments/volume-attachment-store.js';
import { attachmentsOfVolume, attachmentsOfVolumes } from '../attachments/volume-attachment-store.js';
import type { VolumeRecord } from './volume-store.js';
import { fenceVolumeIf, getVolume, insertVolume, listVolumes, updateVolumeIf } from './volume-store.js';
import type { VolumeListRequest } from './volume-list-query.js';
import { matchesTimes } from './volume-list-query.js';
import { imageOrigin } from './volume-image.js';
import { retryClaimRaces } from '../capacity/backend-capacity.js';

export interface VolumeCreate {
  /** GiB; the snapshot's or source volume's size when omitted. */
  readonly size?: number | null;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly availabilityZone?: string | null;
  readonly volumeType?: string | null;
  readonly snapshotId?: string | null;
  readonly sourceVolid?: string | null;
  /** An image to copy into the volume (`imageRef`, or the older `image_id`). */
  readonly imageRef?: string | null;
}

export interface VolumeWithAttachments {
  readonly volume: VolumeRecord;
  readonly attachments: ReadonlyArray<VolumeAttachment>;
}

export function volumeNotFound(id: string): NotFoundError {
  return new NotFoundError('volume.volume.not_found', `Volume ${id} could not be found.`);
}

/** The caller's volume (any volume for admins); 404 for what the caller may not see. */
export async function findVolume(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<VolumeRecord> {
  const v = await getVolume(deps.store.db, id);
  if (v === undefined || (!caller.isAdmin && v.projectId !== caller.projectId)) throw volumeNotFound(id);
  return v;
}

export async function withAttachments(
  deps: VolumeDeps,
  volumes: ReadonlyArray<VolumeRecord>,
): Promise<VolumeWithAttachments[]> {
  const byVolume = await attachmentsOfVolumes(
    deps.store.db,
    volumes.map((v) => v.id),
  );
  return volumes.map((volume) => ({ volume, attachments: byVolume.get(volume.id) ?? [] }));
}

/** The volume a new one starts from, checked as Cinder's create flow checks it. */
async function originOf(deps: VolumeDeps, caller: VolumeCaller, req: VolumeCreate) {
  if (req.sourceVolid) {
    const src = await findVolume(deps, caller, req.sourceVolid);
    if (src.status !== 'available' && src.status !== 'in-use')
      throw new InputError(
        'volume.volume.bad_source_status',
        "Invalid volume: Originating source volume status must be one of 'available, in-use' values",
      );
    return {
      kind: 'volume' as const,
      size: src.size,
      typeId: src.volumeTypeId,
      id: src.id,
      generation: src.generation,
    };
  }
  if (req.snapshotId) {
    const snap = await findSnapshot(deps, caller, req.snapshotId);
    if (snap.status !== 'available')
      throw new InputError(
        'volume.snapshot.bad_origin_status',
        "Invalid snapshot: Originating snapshot status must be one of 'available' values",
      );
    const parent = await getVolume(deps.store.db, snap.volumeId);
    return { kind: 'snapshot' as const, size: snap.size, typeId: parent?.volumeTypeId, id: snap.id };
  }
  return undefined;
}

function checkSize(size: number | null | undefined, origin: Awaited<ReturnType<typeof originOf>>): number {
  const n = size ?? origin?.size;
  if (n === undefined || n === null || !Number.isInteger(n) || n <= 0)
    throw new InputError(
      'volume.volume.bad_size',
      `Invalid input received: Volume size '${String(n ?? null).replace('null', 'None')}' must be an integer and greater than 0`,
    );
  if (origin?.kind === 'volume' && n < origin.size)
    throw new InputError(
      'volume.volume.smaller_than_source',
      `Invalid input received: Volume size '${n}'GB cannot be smaller than original volume size  ${origin.size}GB. They must be >= original volume size.`,
    );
  if (origin?.kind === 'snapshot' && n < origin.size)
    throw new InputError(
      'volume.volume.smaller_than_snapshot',
      `Invalid input received: Volume size '${n}'GB cannot be smaller than the snapshot size ${origin.size}GB. They must be >= original snapshot size.`,
    );
  return n;
}

/** Records the volume as `creating` and wakes the reconciler, which makes its file. */
export async function createVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  req: VolumeCreate,
  id: string = crypto.randomUUID(),
): Promise<VolumeRecord> {
  const az = req.availabilityZone ?? deps.availabilityZone;
  if (az !== deps.availabilityZone)
    throw new InputError('volume.volume.bad_zone', `Availability zone '${az}' is invalid.`);
  const origin = await originOf(deps, caller, req);
  const size = checkSize(req.size, origin);
  const image =
    req.imageRef && origin === undefined ? await imageOrigin(deps, caller, req.imageRef, size) : undefined;
  const type =
    req.volumeType || origin?.typeId === undefined
      ? await resolveVolumeType(deps, caller, req.volumeType)
      : { id: origin.typeId };
  await checkVolumeQuota(deps, caller.projectId, size);
  await deps.capacity?.ready();
  // The row and its DISK_GB claim on the backend commit together, or neither does.
  const won = await retryClaimRaces(() =>
    deps.store.write(async (tx) => {
      // Fences a racing attach of the source, so the reconciler may freeze its file.
      if (origin?.kind === 'volume' && !(await fenceVolumeIf(tx, origin.id, origin.generation))) return false;
      await insertVolume(tx, {
        id,
        projectId: caller.projectId,
        userId: caller.userId,
        name: req.name ?? null,
        description: req.description ?? null,
        size,
        status: 'creating',
        availabilityZone: az,
        volumeTypeId: type.id,
        snapshotId: origin?.kind === 'snapshot' ? origin.id : null,
        sourceVolid: origin?.kind === 'volume' ? origin.id : null,
        metadata: req.metadata ?? {},
        createdAt: deps.clock().toISOString(),
        bootable: image !== undefined,
        imageId: image?.imageId ?? null,
        imageMetadata: image?.metadata ?? {},
      });
      await deps.capacity?.claimIn(
        tx,
        { id, projectId: caller.projectId, userId: caller.userId, size },
        'creation',
      );
      return true;
    }),
  );
  if (!won)
    throw new InputError(
      'volume.volume.busy',
      `Invalid volume: Volume ${req.sourceVolid} is being changed; try again.`,
    );
  // Read before waking the reconciler: the answer is the volume as created, as Cinder's is.
  const v = await getVolume(deps.store.db, id);
  if (v === undefined) throw volumeNotFound(id);
  deps.wake(id);
  return v;
}

export async function listProjectVolumes(deps: VolumeDeps, req: VolumeListRequest): Promise<VolumeRecord[]> {
  const all = await listVolumes(deps.store.db, req, req.sort);
  const meta = Object.entries(req.metadata ?? {});
  const times = req.times ?? [];
  return all.filter(
    (v) => meta.every(([k, val]) => v.metadata[k] === val) && (times.length === 0 || matchesTimes(times, v)),
  );
}

export interface VolumeUpdate {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly bootable?: boolean;
  readonly adminMetadata?: Readonly<Record<string, string>>;
  readonly imageMetadata?: Readonly<Record<string, string>>;
}

export async function updateVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  update: VolumeUpdate | ((v: VolumeRecord) => VolumeUpdate),
): Promise<VolumeRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const v = await findVolume(deps, caller, id);
    const req = typeof update === 'function' ? update(v) : update;
    const set = {
      ...(req.name !== undefined && { name: req.name }),
      ...(req.description !== undefined && { description: req.description }),
      ...(req.metadata !== undefined && { metadata: JSON.stringify(req.metadata) }),
      ...(req.bootable !== undefined && { bootable: req.bootable ? 1 : 0 }),
      ...(req.adminMetadata !== undefined && { admin_metadata: JSON.stringify(req.adminMetadata) }),
      ...(req.imageMetadata !== undefined && { image_metadata: JSON.stringify(req.imageMetadata) }),
    };
    if (await updateVolumeIf(deps.store.db, id, v.generation, set, deps.clock().toISOString()))
      return findVolume(deps, caller, id);
  }
  throw new InputError('volume.volume.busy', `Invalid volume: Volume ${id} is being changed; try again.`);
}

const deletable = new Set(['available', 'error']);

/**
 * Moves the volume to `deleting` (the reconciler removes its file and row); Cinder's 400
 * otherwise. A volume with snapshots needs `cascade`, which deletes them too.
 */
export async function deleteVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  cascade = false,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const v = await findVolume(deps, caller, id);
    if (!deletable.has(v.status)) throw cannotDelete();
    // An admin's reset can leave an `available` or `error` volume on a server: not deletable.
    if ((await attachmentsOfVolume(deps.store.db, id)).some((a) => a.attachStatus !== 'reserved'))
      throw cannotDelete();
    const snaps = await snapshotsOfVolume(deps.store.db, id);
    if (snaps.length > 0 && (!cascade || snaps.some((s) => !cascadable.has(s.status)))) throw cannotDelete();
    const now = deps.clock().toISOString();
    const won = await deps.store.write(async (tx) => {
      if (!(await updateVolumeIf(tx, id, v.generation, { status: 'deleting' }, now))) return false;
      for (const s of snaps)
        if (!(await updateSnapshotIf(tx, s.id, s.generation, { status: 'deleting' }, now)))
          throw cannotDelete();
      return true;
    });
    if (won) {
      deps.wake(id);
      for (const s of snaps) deps.wakeSnapshot(s.id);
      return;
    }
  }
  throw cannotDelete();
}

const cascadable = new Set(['available', 'error', 'deleting']);

function cannotDelete(): InputError {
  return new InputError(
    'volume.volume.not_deletable',
    'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.',
  );
}
