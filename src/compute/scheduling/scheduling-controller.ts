import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { HostView } from '../../scheduler/host-view.js';
import type { BatchSelector } from '../../scheduler/batch-selector.js';
import { describeReport } from '../../scheduler/pipeline.js';
import type { Claim } from '../../scheduler/plan-applier.js';
import { applyPlan } from '../../scheduler/plan-applier.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { toServer } from '../servers/server-store.js';
import { commitResizes, migrationConsumer } from './resize-outcome.js';
import { commitPlacements, failScheduling } from './scheduling-outcome.js';
import type { GroupState } from './scheduling-inputs.js';
import type { HostStateCache } from './host-state-cache.js';
import { loadGroups, requiredTraits, resourcesOf } from './scheduling-inputs.js';

const batchSize = 500;
export const schedulingKey = 'pending';

/**
 * Places every server waiting in task_state 'scheduling'. One pass: read the waiting
 * servers, take the cached host views, choose a host for each (later choices see earlier
 * ones), commit the claims in placement, then move the servers to 'spawning' on their
 * hosts. Claims placement refuses, and servers no host fits on a cached view, go round
 * again on a fresh snapshot; only a fresh snapshot can fail a server with NoValidHost.
 */
export function schedulingController(deps: ComputeDeps, cache: HostStateCache): Reconciler {
  return {
    name: 'scheduling',
    listKeys: async () => [schedulingKey],
    async reconcile(): Promise<ReconcileResult> {
      const rows = await deps.store.db
        .selectFrom('servers')
        .selectAll()
        .where('task_state', 'in', ['scheduling', 'resize_prep'])
        .where('deleted_at', 'is', null)
        .orderBy('created_at')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return {};
      const servers = rows.map(toServer);
      const { claims, unplaceable, fresh } = await plan(deps, cache, servers);
      const { committed, stale } = await applyPlan(deps.placement, claims).catch((err: unknown) => {
        cache.invalidate(); // the views hold claims placement never took
        throw err;
      });
      const retry = stale.length > 0 || (!fresh && unplaceable.length > 0);
      if (retry) cache.invalidate();
      await commitPlacements(
        deps,
        servers.filter((s) => s.taskState === 'scheduling'),
        committed,
      );
      await commitResizes(
        deps,
        servers.filter((s) => s.taskState === 'resize_prep'),
        committed,
      );
      if (fresh) await failScheduling(deps, unplaceable);
      // Stale claims and servers judged on a cached view stay 'scheduling' for the next pass.
      return rows.length === batchSize || retry ? { requeueAfterMs: 0 } : {};
    },
  };
}

interface Planned {
  readonly claims: Claim[];
  readonly unplaceable: Array<{ server: Server; detail: string }>;
  /** Whether the host views came straight from the store (else from the cache). */
  readonly fresh: boolean;
}

async function plan(
  deps: ComputeDeps,
  cache: HostStateCache,
  servers: ReadonlyArray<Server>,
): Promise<Planned> {
  const { selector, index, fresh } = await cache.hosts();
  const groups = await loadGroups(deps, servers);
  const images = await imagesOf(deps, servers);
  const out: Planned = { claims: [], unplaceable: [], fresh };
  for (const s of servers) {
    try {
      planOne(s, { selector, index, groups, images, out });
    } catch (err) {
      // One bad row must not stall everyone's scheduling: it fails alone, with the reason.
      out.unplaceable.push({
        server: s,
        detail: `scheduling error: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return out;
}

interface PlanState {
  /** Chooses over the cached views; a claim updates its host's entry there. */
  readonly selector: BatchSelector;
  readonly index: ReadonlyMap<string, number>;
  readonly groups: GroupState;
  readonly images: Map<string, ComputeImage>;
  readonly out: Planned;
}

/** Chooses a host for one server and adds its claim to the pass's views. */
function planOne(s: Server, st: PlanState): void {
  const { selector, groups, images, out } = st;
  const resizing = s.taskState === 'resize_prep' && s.newFlavor !== null;
  const resources = resourcesOf(resizing ? { flavor: s.newFlavor! } : s);
  const group = s.serverGroupId === null ? undefined : groups.get(s.serverGroupId);
  const req = {
    consumerId: s.id,
    resources,
    requiredTraits: requiredTraits(images.get(s.imageId), s.flavor.extraSpecs),
    ...(s.availabilityZone !== null && { availabilityZone: s.availabilityZone }),
    ...(group && { group }),
    // A server back in 'scheduling' after a build failed: every host it was placed on failed it.
    ...(s.taskState === 'scheduling' &&
      s.buildAttempts.length > 0 && { ignoreHosts: s.buildAttempts.map((a) => a.host) }),
  };
  const { chosen, report } = selector.select(req);
  const best = chosen[0];
  if (best === undefined) {
    out.unplaceable.push({ server: s, detail: describeReport(report) });
    return;
  }
  selector.claim(st.index.get(best.providerId)!, resources);
  noteGroupMember(groups, s, best.hostname);
  out.claims.push({
    consumerId: s.id,
    projectId: s.projectId,
    userId: s.userId,
    hostname: best.hostname,
    allocations: [{ providerId: best.providerId, resources }],
  });
  if (resizing) out.claims.push(migrationClaim(s, selector.hosts));
}

/**
 * During a resize the old flavor stays claimed on the source host by the migration (as
 * Nova does), so a revert always has room to go back. The migration id is derived from the
 * server id, so a replayed pass claims the same consumer instead of leaking a new one.
 */
function migrationClaim(s: Server, hosts: ReadonlyArray<HostView>): Claim {
  const source = hosts.find((h) => h.hostname === s.host);
  return {
    consumerId: migrationConsumer(s),
    projectId: s.projectId,
    userId: s.userId,
    hostname: s.host ?? '',
    allocations: source ? [{ providerId: source.providerId, resources: resourcesOf(s) }] : [],
  };
}

function noteGroupMember(groups: GroupState, s: Server, hostname: string): void {
  const g = s.serverGroupId === null ? undefined : groups.get(s.serverGroupId);
  if (g) g.membersByHost.set(hostname, (g.membersByHost.get(hostname) ?? 0) + 1);
}

async function imagesOf(
  deps: ComputeDeps,
  servers: ReadonlyArray<Server>,
): Promise<Map<string, ComputeImage>> {
  const out = new Map<string, ComputeImage>();
  for (const id of new Set(servers.map((s) => s.imageId))) {
    const image = await deps.images.getImage({ projectId: '', isAdmin: true }, id);
    if (image) out.set(id, image);
  }
  return out;
}
