import { InputError, NotFoundError } from '../../common/errors.js';
import { checkSnapshotQuota } from '../quotas/volume-quota-service.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { fenceVolumeIf, getVolume } from '../volumes/volume-store.js';
import type { SnapshotListFilter, SnapshotRecord, SnapshotSortKey } from './snapshot-store.js';
import { getSnapshot, insertSnapshot, listSnapshots, updateSnapshotIf } from './snapshot-store.js';

export function snapshotNotFound(id: string): NotFoundError {
  return new NotFoundError('volume.snapshot.not_found', `Snapshot ${id} could not be found.`);
}

/** The caller's snapshot (any for admins); 404 for what the caller may not see. */
export async function findSnapshot(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
): Promise<SnapshotRecord> {
  const s = await getSnapshot(deps.store.db, id);
  if (s === undefined || (!caller.isAdmin && s.projectId !== caller.projectId)) throw snapshotNotFound(id);
  return s;
}

export interface SnapshotCreate {
  readonly volumeId: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  /** Allows an in-use volume (a crash-consistent copy). */
  readonly force: boolean;
}

/**
 * Records the snapshot as `creating` and wakes the reconciler. The volume's generation is
 * bumped in the same transaction, so a racing attach (compare-and-set on the volume)
 * loses and the reconciler never freezes a file a VM is opening.
 */
export async function createSnapshot(
  deps: VolumeDeps,
  caller: VolumeCaller,
  req: SnapshotCreate,
): Promise<SnapshotRecord> {
  const v = await getVolume(deps.store.db, req.volumeId);
  if (v === undefined || (!caller.isAdmin && v.projectId !== caller.projectId))
    throw new NotFoundError('volume.volume.not_found', `Volume ${req.volumeId} could not be found.`);
  const valid = req.force ? ['available', 'in-use'] : ['available'];
  if (!valid.includes(v.status))
    throw new InputError(
      'volume.snapshot.bad_volume_status',
      `Invalid volume: Volume ${v.id} status must be ${valid.join(', ')}, but current status is: ${v.status}.`,
    );
  await checkSnapshotQuota(deps, caller.projectId, v.size);
  const id = crypto.randomUUID();
  const now = deps.clock().toISOString();
  const won = await deps.store.write(async (tx) => {
    if (!(await fenceVolumeIf(tx, v.id, v.generation))) return false;
    await insertSnapshot(tx, {
      id,
      volumeId: v.id,
      projectId: caller.projectId,
      userId: caller.userId,
      name: req.name ?? null,
      description: req.description ?? null,
      size: v.size,
      status: 'creating',
      metadata: req.metadata ?? {},
      createdAt: now,
    });
    return true;
  });
  if (!won)
    throw new InputError('volume.volume.busy', `Invalid volume: Volume ${v.id} is being changed; try again.`);
  deps.wakeSnapshot(id);
  return findSnapshot(deps, caller, id);
}

export interface SnapshotListRequest extends SnapshotListFilter {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly sort: ReadonlyArray<{ readonly key: SnapshotSortKey; readonly dir: 'asc' | 'desc' }>;
}

export async function listProjectSnapshots(
  deps: VolumeDeps,
  req: SnapshotListRequest,
): Promise<SnapshotRecord[]> {
  const all = await listSnapshots(deps.store.db, req, req.sort);
  const meta = Object.entries(req.metadata ?? {});
  return all.filter((s) => meta.every(([k, v]) => s.metadata[k] === v));
}

export interface SnapshotUpdate {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

export async function updateSnapshot(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  req: SnapshotUpdate | ((s: SnapshotRecord) => SnapshotUpdate),
): Promise<SnapshotRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const s = await findSnapshot(deps, caller, id);
    const u = typeof req === 'function' ? req(s) : req;
    const set = {
      ...(u.name !== undefined && { name: u.name }),
      ...(u.description !== undefined && { description: u.description }),
      ...(u.metadata !== undefined && { metadata: JSON.stringify(u.metadata) }),
    };
    if (await updateSnapshotIf(deps.store.db, id, s.generation, set, deps.clock().toISOString()))
      return findSnapshot(deps, caller, id);
  }
  throw new InputError(
    'volume.snapshot.busy',
    `Invalid snapshot: Snapshot ${id} is being changed; try again.`,
  );
}

const deletable = new Set(['available', 'error']);

/**
 * Moves the snapshot to `deleting`; the reconciler merges its file away and drops the row.
 * `force` (os-force_delete) skips the status check, as Cinder's does.
 */
export async function deleteSnapshot(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  force = false,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const s = await findSnapshot(deps, caller, id);
    if (!force && !deletable.has(s.status))
      throw new InputError(
        'volume.snapshot.not_deletable',
        'Invalid snapshot: Snapshot status must be available or error and must not be part of a group.',
      );
    if (
      await updateSnapshotIf(
        deps.store.db,
        id,
        s.generation,
        { status: 'deleting' },
        deps.clock().toISOString(),
      )
    ) {
      deps.wakeSnapshot(id);
      return;
    }
  }
  throw new InputError(
    'volume.snapshot.busy',
    `Invalid snapshot: Snapshot ${id} is being changed; try again.`,
  );
}
