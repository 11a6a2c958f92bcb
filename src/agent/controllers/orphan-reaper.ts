import type { Logger } from 'pino';
import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { ComputeDriver } from '../drivers/driver.js';
import type { ServerControlPlane } from '../transport/control-plane.js';

export interface OrphanReaperDeps {
  readonly hostname: string;
  readonly driver: ComputeDriver;
  readonly servers: ServerControlPlane;
  readonly log: Logger;
  /**
   * Hands an orphan's id to whoever destroys it. The agent passes the instance
   * controller's queue: its reconcile re-reads the server and destroys the workload only
   * if the server is still not assigned here, and never while another step for the same
   * id runs (the queue gives one key to one worker), so a server assigned to this host
   * again after our listing cannot lose the workload it is being built with.
   */
  readonly reap: (workloadId: string) => void;
}

/**
 * Nova's `running_deleted_instance_action = reap`, level-triggered: one key (the host),
 * resynced with the agent (so it runs at start, after a restart, and on every resync).
 * A pass lists what the driver runs, then which servers are assigned to this host; of the
 * workloads no assigned server wants it reaps those whose server is deleted, and only
 * logs the others (a server assigned elsewhere, or unknown): like Nova, a host that was
 * renamed or pointed at another database must not destroy what it cannot account for.
 *
 * The order is the safety argument. The agent creates a workload only for a server that
 * is already assigned here, so any workload in the driver's list (even one whose
 * `create` has not returned) belongs to a server assigned before the list was taken;
 * reading the assignments afterwards sees that server unless it has really left the
 * host since. Reading the assignments first would miss a server assigned and spawned
 * between the two reads, and reap it.
 */
export function orphanReaper(d: OrphanReaperDeps): Reconciler {
  return {
    name: `orphans@${d.hostname}`,
    listKeys: async () => [d.hostname],
    async reconcile(): Promise<ReconcileResult> {
      const running = await d.driver.list();
      const wanted = new Set(await d.servers.listAssigned(d.hostname));
      const unwanted = running.filter((w) => !wanted.has(w.workloadId));
      const deleted = new Set(await d.servers.deletedAmong(unwanted.map((w) => w.workloadId)));
      for (const w of unwanted) {
        const log = { host: d.hostname, workloadId: w.workloadId, power: w.power };
        if (!deleted.has(w.workloadId)) {
          d.log.warn(log, 'workload on this host belongs to no server assigned here; left running');
          continue;
        }
        d.log.warn(log, 'reaping the workload of a deleted server');
        d.reap(w.workloadId);
      }
      return {};
    },
  };
}
