import type { ComputeDeps } from '../compute-deps.js';
import { recordEvent } from '../instance-actions/instance-action-store.js';
import type { Server } from './server-model.js';
import { PowerState } from './server-model.js';
import { updateServerIf } from './server-store.js';

/**
 * The last step of a delete, once nothing runs on a host: release the allocations first
 * (idempotent, so a crash before the row update simply replays), then mark the row deleted.
 */
export async function finalizeDeletion(deps: ComputeDeps, s: Server): Promise<boolean> {
  await deps.placement.deleteAllocations(s.id);
  const now = deps.clock().toISOString();
  const ok = await deps.store.db.transaction().execute(async (tx) => {
    const done = await updateServerIf(
      tx,
      s.id,
      { generation: s.generation },
      {
        vm_state: 'deleted',
        task_state: null,
        power_state: PowerState.NOSTATE,
        deleted_at: now,
        terminated_at: now,
      },
      now,
    );
    if (done) await tx.deleteFrom('server_group_members').where('server_id', '=', s.id).execute();
    return done;
  });
  if (ok)
    await recordEvent(deps.store.db, {
      serverId: s.id,
      action: 'delete',
      event: 'compute_terminate_instance',
      start: s.updatedAt,
      finish: now,
      ok: true,
      host: s.host,
    });
  return ok;
}
