import { isCloudError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { backOnSource, moveClaimToSource, sourceHost } from '../servers/server-resize.js';
import type { ServerChanges } from '../servers/server-store.js';

export interface ResizeRecovery {
  /** The row changes; undefined leaves the usual failure (ERROR) in place. */
  readonly set?: ServerChanges;
  /** Hosts to wake once the row changed: the source rebuilds, the destination lets go. */
  readonly wake: ReadonlyArray<string>;
}

/**
 * A resize that failed on its destination goes back to its source, as Nova reverts a
 * failed resize: one placement write moves the server's claim back to the source with the
 * old flavor (the room the migration held) and drops the migration's, so nothing stays
 * claimed on the destination; then the source agent rebuilds the server there (task
 * resize_reverting, ACTIVE again). Placement goes first, as revertResize does: the write is
 * idempotent, so a lost compare-and-set only repeats it. When the server cannot go back
 * (no source host or old flavor, or the source refuses) it stays in ERROR on the
 * destination and only the migration's claim goes, as Nova leaves a failed finish_resize.
 */
export async function recoverFailedResize(
  deps: ComputeDeps,
  s: Server,
  message: string,
  now: string,
): Promise<ResizeRecovery> {
  const m = await deps.store.db
    .selectFrom('migrations')
    .select(['uuid', 'source_compute'])
    .where('server_id', '=', s.id)
    .where('status', '=', 'migrating')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (m === undefined) return { wake: [] };
  const source = await sourceHost(deps, m.source_compute);
  const old = s.oldFlavor;
  const moved =
    source !== undefined &&
    old !== null &&
    (await moveClaimToSource(deps, s, m.uuid, source, old).then(
      () => true,
      (err: unknown) => {
        if (isCloudError(err) && err.status === 409) return false; // the source has no room any more
        throw err;
      },
    ));
  if (!moved) {
    await deps.placement.deleteAllocations(m.uuid);
    return { wake: [] };
  }
  const set: ServerChanges = {
    ...backOnSource(source, old),
    fault: JSON.stringify({ code: 500, message, details: '', created: now }),
  };
  return { set, wake: [source.hostname, ...(s.host !== null && s.host !== source.hostname ? [s.host] : [])] };
}
