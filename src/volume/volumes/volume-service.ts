import { InputError, NotFoundError } from '../../common/errors.js';
import { checkVolumeQuota } from '../quotas/volume-quota-service.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import type { VolumeAttachment } from '../attachments/volume-attachment-store.js';
import { attachmentsOfVolumes } from '../attachments/volume-attachment-store.js';
import type { VolumeListFilter, VolumeRecord, VolumeSortKey } from './volume-store.js';
import { getVolume, insertVolume, listVolumes, updateVolumeIf } from './volume-store.js';

export const defaultVolumeType = '__DEFAULT__';

export interface VolumeCreate {
  readonly size: number;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly availabilityZone?: string | null;
  readonly volumeType?: string | null;
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

/** Records the volume as `creating` and wakes the reconciler, which makes its file. */
export async function createVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  req: VolumeCreate,
): Promise<VolumeRecord> {
  const az = req.availabilityZone ?? deps.availabilityZone;
  if (az !== deps.availabilityZone)
    throw new InputError('volume.volume.bad_zone', `Availability zone '${az}' is invalid.`);
  const type = req.volumeType ?? defaultVolumeType;
  if (type !== defaultVolumeType && type !== '')
    throw new NotFoundError('volume.type.not_found', `Volume type with name ${type} could not be found.`);
  await checkVolumeQuota(deps, caller.projectId, req.size);
  const id = crypto.randomUUID();
  await insertVolume(deps.store.db, {
    id,
    projectId: caller.projectId,
    userId: caller.userId,
    name: req.name ?? null,
    description: req.description ?? null,
    size: req.size,
    status: 'creating',
    availabilityZone: az,
    volumeType: defaultVolumeType,
    metadata: req.metadata ?? {},
    createdAt: deps.clock().toISOString(),
  });
  deps.wake(id);
  const v = await getVolume(deps.store.db, id);
  if (v === undefined) throw volumeNotFound(id);
  return v;
}

export interface VolumeListRequest extends VolumeListFilter {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly sort: ReadonlyArray<{ readonly key: VolumeSortKey; readonly dir: 'asc' | 'desc' }>;
}

export async function listProjectVolumes(deps: VolumeDeps, req: VolumeListRequest): Promise<VolumeRecord[]> {
  const all = await listVolumes(deps.store.db, req, req.sort);
  const meta = Object.entries(req.metadata ?? {});
  return meta.length === 0 ? all : all.filter((v) => meta.every(([k, val]) => v.metadata[k] === val));
}

export interface VolumeUpdate {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

export async function updateVolume(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  req: VolumeUpdate,
): Promise<VolumeRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const v = await findVolume(deps, caller, id);
    const set = {
      ...(req.name !== undefined && { name: req.name }),
      ...(req.description !== undefined && { description: req.description }),
      ...(req.metadata !== undefined && { metadata: JSON.stringify(req.metadata) }),
    };
    if (await updateVolumeIf(deps.store.db, id, v.generation, set, deps.clock().toISOString()))
      return findVolume(deps, caller, id);
  }
  throw new InputError('volume.volume.busy', `Invalid volume: Volume ${id} is being changed; try again.`);
}

const deletable = new Set(['available', 'error']);

/** Moves the volume to `deleting` (the reconciler removes its file and row); Cinder's 400 otherwise. */
export async function deleteVolume(deps: VolumeDeps, caller: VolumeCaller, id: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const v = await findVolume(deps, caller, id);
    if (!deletable.has(v.status)) throw cannotDelete();
    const set = { status: 'deleting' as const };
    if (await updateVolumeIf(deps.store.db, id, v.generation, set, deps.clock().toISOString())) {
      deps.wake(id);
      return;
    }
  }
  throw cannotDelete();
}

function cannotDelete(): InputError {
  return new InputError(
    'volume.volume.not_deletable',
    'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.',
  );
}
