import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { SnapshotStatus } from '../../db/tables/volume-tables.js';
import type { VolumeDeps } from '../volume-deps.js';
import { getVolume } from '../volumes/volume-store.js';
import type { SnapshotRecord } from './snapshot-store.js';
import { deleteSnapshotIf, getSnapshot, listSnapshotIdsIn, updateSnapshotIf } from './snapshot-store.js';

const done: ReconcileResult = {};
const again: ReconcileResult = { requeueAfterMs: 200 };
/** A snapshot read by an open file (an attached volume) waits for it to close. */
const busyRetry: ReconcileResult = { requeueAfterMs: 5_000 };

/**
 * One snapshot per key, level-triggered:
 *
 *   creating ─► available ─► deleting ─► (gone)
 *       └─► error              └─► (retried while a volume reading it is attached)
 *
 * Creating freezes the volume's file under a new overlay when nothing has it open, else
 * copies it; deleting merges the file into whatever reads it. Both replay after a crash.
 */
export function snapshotReconciler(deps: VolumeDeps): Reconciler {
  return {
    name: 'volume-snapshot',
    listKeys: () => listSnapshotIdsIn(deps.store.db, ['creating', 'deleting']),
    async reconcile(id, signal) {
      const s = await getSnapshot(deps.store.db, id);
      // An admin's os-reset_status only records a status: no work follows from it.
      if (s === undefined || s.statusReset) return done;
      if (s.status === 'creating') return create(deps, s, signal);
      if (s.status === 'deleting') return remove(deps, s, signal);
      return done;
    },
  };
}

async function create(deps: VolumeDeps, s: SnapshotRecord, signal: AbortSignal): Promise<ReconcileResult> {
  let status: SnapshotStatus = 'available';
  try {
    const v = await getVolume(deps.store.db, s.volumeId);
    if (v === undefined) throw new Error('the volume is gone');
    if (v.status === 'available') await deps.pool.snapshot(v.id, s.id, signal);
    else await deps.pool.snapshotInUse(v.id, s.id, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    deps.log.error({ err, snapshotId: s.id }, 'snapshot create failed');
    status = 'error';
  }
  const ok = await updateSnapshotIf(
    deps.store.db,
    s.id,
    s.generation,
    { status },
    deps.clock().toISOString(),
  );
  return ok ? done : again;
}

async function remove(deps: VolumeDeps, s: SnapshotRecord, signal: AbortSignal): Promise<ReconcileResult> {
  try {
    await deps.pool.removeSnapshot(s.id, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    deps.log.warn({ err, snapshotId: s.id }, 'snapshot file still read by an open volume; retrying');
    return busyRetry;
  }
  return (await deleteSnapshotIf(deps.store.db, s.id, s.generation)) ? done : again;
}
