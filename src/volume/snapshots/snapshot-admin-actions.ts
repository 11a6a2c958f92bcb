import { InputError } from '../../common/errors.js';
import type { SnapshotStatus } from '../../db/tables/volume-tables.js';
import type { VolumeCaller, VolumeDeps } from '../volume-deps.js';
import { findSnapshot } from './snapshot-service.js';
import { updateSnapshotIf } from './snapshot-store.js';

/** Cinder's SnapshotStatus.ALL: what os-reset_status may set. */
const snapshotStatuses: ReadonlyArray<SnapshotStatus> = [
  'creating',
  'deleting',
  'available',
  'error',
  'error_deleting',
  'unmanaging',
  'backing-up',
  'restoring',
];

/**
 * os-reset_status on a snapshot: records the status and starts no work (the reconciler
 * leaves a snapshot reset to `creating` or `deleting` alone until os-force_delete).
 */
export async function resetSnapshotStatus(
  deps: VolumeDeps,
  caller: VolumeCaller,
  id: string,
  requested: string,
): Promise<void> {
  const status = requested.toLowerCase() as SnapshotStatus;
  if (!snapshotStatuses.includes(status))
    throw new InputError(
      'volume.snapshot.bad_reset',
      `Invalid input for field/attribute status. Value: ${requested}. ${requested} is not a valid status.`,
    );
  for (let attempt = 0; attempt < 5; attempt++) {
    const s = await findSnapshot(deps, caller, id);
    const now = deps.clock().toISOString();
    if (await updateSnapshotIf(deps.store.db, id, s.generation, { status, status_reset: 1 }, now)) return;
  }
  throw new InputError(
    'volume.snapshot.busy',
    `Invalid snapshot: Snapshot ${id} is being changed; try again.`,
  );
}
