import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import { applyPlan } from '../../scheduler/plan-applier.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { toServer } from '../servers/server-store.js';
import type { HostStateCache } from './host-state-cache.js';
import { commitResizes } from './resize-outcome.js';
import { commitPlacements, failScheduling } from './scheduling-outcome.js';
import { planPass } from './scheduling-plan.js';

const batchSize = 500;
export const schedulingKey = 'pending';

/**
 * Places every server waiting in task_state 'scheduling'. One pass: read the waiting
 * servers, take the cached host views, choose a host for each (later choices see earlier
 * ones; the servers of one multi-create all or none), commit the claims in placement, then
 * move the servers to 'spawning' on their hosts. Claims placement refuses, and servers no
 * host fits on a cached view, go round again on a fresh snapshot; only a fresh snapshot
 * can fail a server with NoValidHost.
 */
export function schedulingController(
  deps: ComputeDeps,
  cache: HostStateCache,
  placed: (servers: number) => void = () => undefined,
): Reconciler {
  return {
    name: 'scheduling',
    listKeys: async () => [schedulingKey],
    async reconcile(): Promise<ReconcileResult> {
      const { servers, more } = await waitingServers(deps);
      if (servers.length === 0) return {};
      const { claims, unplaceable, fresh } = await planPass(deps, await cache.hosts(), servers);
      const { committed, stale } = await applyPlan(deps.placement, claims).catch((err: unknown) => {
        cache.invalidate(); // the views hold claims placement never took
        throw err;
      });
      const retry = stale.length > 0 || (!fresh && unplaceable.length > 0);
      if (retry) cache.invalidate();
      const building = servers.filter((s) => s.taskState === 'scheduling');
      await commitPlacements(deps, building, committed);
      const claimed = new Set(committed.map((c) => c.consumerId));
      placed(building.filter((s) => claimed.has(s.id)).length);
      await commitResizes(
        deps,
        servers.filter((s) => s.taskState === 'resize_prep'),
        committed,
      );
      if (fresh) await failScheduling(deps, unplaceable);
      // Stale claims and servers judged on a cached view stay 'scheduling' for the next pass.
      return more || retry ? { requeueAfterMs: 0 } : {};
    },
  };
}

/**
 * The oldest waiting servers, `batchSize` of them, and `more` when others may wait. The
 * servers of one request share their created_at, so the batch is completed with every
 * server created at its last instant: a multi-create is never split across passes.
 */
async function waitingServers(deps: ComputeDeps): Promise<{ servers: Server[]; more: boolean }> {
  const waiting = () =>
    deps.store.db
      .selectFrom('servers')
      .selectAll()
      .where('task_state', 'in', ['scheduling', 'resize_prep'])
      .where('deleted_at', 'is', null);
  const rows = await waiting().orderBy('created_at').limit(batchSize).execute();
  if (rows.length < batchSize) return { servers: rows.map(toServer), more: false };
  const seen = new Set(rows.map((r) => r.id));
  const last = await waiting()
    .where('created_at', '=', rows[rows.length - 1]!.created_at)
    .execute();
  const all = [...rows, ...last.filter((r) => !seen.has(r.id))];
  return { servers: all.map(toServer), more: true };
}
