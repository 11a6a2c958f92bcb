import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { VolumeDeps } from '../volume-deps.js';
import type { VolumeClaimRow } from '../volumes/volume-store.js';
import { deleteVolumeIf, fenceVolumeIf, getVolume, listVolumeClaims } from '../volumes/volume-store.js';
import type { BackendCapacity } from './backend-capacity.js';
import { retryClaimRaces } from './backend-capacity.js';

/** The one key of the backend reconciler: one pool, one provider. */
export const backendKey = 'pool';

/**
 * Keeps the backend's provider true to the pool (capacity, ratio, aggregate and the
 * compute hosts in it) and its claims true to the volume rows. One pass is idempotent, so
 * it runs at start, on every resync and after a kill -9 alike.
 */
export function backendReconciler(deps: VolumeDeps, capacity: BackendCapacity): Reconciler {
  return {
    name: 'volume-backend',
    listKeys: () => Promise.resolve([backendKey]),
    async reconcile(): Promise<ReconcileResult> {
      await syncBackend(deps, capacity);
      return {};
    },
  };
}

export async function syncBackend(deps: VolumeDeps, capacity: BackendCapacity): Promise<void> {
  await capacity.register();
  await capacity.joinHosts();
  await reconcileClaims(deps, capacity);
}

/**
 * Claims whose volume is gone are removed; a volume without its claim, or with one of
 * another size, gets its size claimed. Volumes write their row and claim together, so a
 * mismatch is rare (rows written before claims existed, or by hand); each fix re-reads
 * in its own transaction so a racing create, extend or delete is never undone.
 */
export async function reconcileClaims(deps: VolumeDeps, capacity: BackendCapacity): Promise<void> {
  const claims = await capacity.claims();
  const volumes = await listVolumeClaims(deps.store.db);
  const ids = new Set(volumes.map((v) => v.id));
  for (const id of claims.keys()) if (!ids.has(id)) await dropClaim(deps, capacity, id);
  for (const v of volumes) if (claims.get(v.id) !== v.size) await fixClaim(deps, capacity, v);
}

async function dropClaim(deps: VolumeDeps, capacity: BackendCapacity, id: string): Promise<void> {
  await retryClaimRaces(() =>
    deps.store.write(async (tx) => {
      if ((await getVolume(tx, id)) === undefined) await capacity.releaseIn(tx, id);
    }),
  );
  deps.log.info({ volumeId: id }, 'removed the capacity claim of a deleted volume');
}

/** Fencing the row's generation makes a racing writer of the same volume retry after this. */
async function fixClaim(deps: VolumeDeps, capacity: BackendCapacity, v: VolumeClaimRow): Promise<void> {
  try {
    const fixed = await retryClaimRaces(() =>
      deps.store.write(async (tx) => {
        if (!(await fenceVolumeIf(tx, v.id, v.generation))) return false;
        await capacity.claimIn(tx, v, 'creation');
        return true;
      }),
    );
    if (fixed) deps.log.info({ volumeId: v.id, size: v.size }, 'claimed a volume missing from placement');
  } catch (err) {
    // Over capacity at today's ratio: the volume exists anyway; the operator sees it here.
    deps.log.warn({ err, volumeId: v.id, size: v.size }, 'could not claim the volume in placement');
  }
}

/** The last step of a volume delete: its row and its claim go in one transaction. */
export async function removeVolumeRow(
  deps: VolumeDeps,
  v: { readonly id: string; readonly generation: number },
): Promise<boolean> {
  await deps.capacity?.ready();
  return retryClaimRaces(() =>
    deps.store.write(async (tx) => {
      if (!(await deleteVolumeIf(tx, v.id, v.generation))) return false;
      await deps.capacity?.releaseIn(tx, v.id);
      return true;
    }),
  );
}
