import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { HostView } from '../../scheduler/host-view.js';
import { buildHostViews, withClaim } from '../../scheduler/host-views.js';
import { defaultPipeline, describeReport, select } from '../../scheduler/pipeline.js';
import type { Claim } from '../../scheduler/plan-applier.js';
import { applyPlan } from '../../scheduler/plan-applier.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { toServer } from '../servers/server-store.js';
import { commitPlacements, failScheduling } from './scheduling-outcome.js';
import type { GroupState } from './scheduling-inputs.js';
import { loadGroups, loadHostRecords, requiredTraits, resourcesOf } from './scheduling-inputs.js';

const batchSize = 500;
export const schedulingKey = 'pending';

/**
 * Places every server waiting in task_state 'scheduling'. One pass: read the waiting
 * servers and one snapshot of hosts, choose a host for each (later choices see earlier
 * ones), commit the claims in placement, then move the servers to 'spawning' on their
 * hosts. Claims placement refuses go round again on a fresh snapshot.
 */
export function schedulingController(deps: ComputeDeps): Reconciler {
  return {
    name: 'scheduling',
    listKeys: async () => [schedulingKey],
    async reconcile(): Promise<ReconcileResult> {
      const rows = await deps.store.db
        .selectFrom('servers')
        .selectAll()
        .where('task_state', '=', 'scheduling')
        .where('deleted_at', 'is', null)
        .orderBy('created_at')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return {};
      const servers = rows.map(toServer);
      const { claims, unplaceable } = await plan(deps, servers);
      const { committed, stale } = await applyPlan(deps.placement, claims);
      await commitPlacements(deps, servers, committed);
      await failScheduling(deps, unplaceable);
      // Stale claims stay 'scheduling' and are picked up by the immediate next pass.
      return rows.length === batchSize || stale.length > 0 ? { requeueAfterMs: 0 } : {};
    },
  };
}

interface Planned {
  readonly claims: Claim[];
  readonly unplaceable: Array<{ server: Server; detail: string }>;
}

async function plan(deps: ComputeDeps, servers: ReadonlyArray<Server>): Promise<Planned> {
  const records = await loadHostRecords(deps);
  let hosts = buildHostViews(records, await deps.placement.snapshot());
  const groups = await loadGroups(deps, servers);
  const images = await imagesOf(deps, servers);
  const pipeline = defaultPipeline(deps.schedulerStrategy);
  const out: Planned = { claims: [], unplaceable: [] };
  for (const s of servers) {
    const resources = resourcesOf(s);
    const group = s.serverGroupId === null ? undefined : groups.get(s.serverGroupId);
    const req = {
      consumerId: s.id,
      resources,
      requiredTraits: requiredTraits(images.get(s.imageId), s.flavor.extraSpecs),
      ...(s.availabilityZone !== null && { availabilityZone: s.availabilityZone }),
      ...(group && { group }),
    };
    const { chosen, report } = select(hosts, req, pipeline);
    const best = chosen[0];
    if (best === undefined) {
      out.unplaceable.push({ server: s, detail: describeReport(report) });
      continue;
    }
    hosts = replaceHost(hosts, withClaim(best, resources));
    noteGroupMember(groups, s, best.hostname);
    out.claims.push({
      consumerId: s.id,
      projectId: s.projectId,
      userId: s.userId,
      hostname: best.hostname,
      allocations: [{ providerId: best.providerId, resources }],
    });
  }
  return out;
}

function replaceHost(hosts: HostView[], updated: HostView): HostView[] {
  return hosts.map((h) => (h.providerId === updated.providerId ? updated : h));
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
