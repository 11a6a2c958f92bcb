import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { HostView } from '../../scheduler/host-view.js';
import { buildHostViews, withClaim } from '../../scheduler/host-views.js';
import { defaultPipeline, describeReport, select } from '../../scheduler/pipeline.js';
import type { Claim } from '../../scheduler/plan-applier.js';
import { applyPlan } from '../../scheduler/plan-applier.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { toServer } from '../servers/server-store.js';
import { commitResizes, migrationConsumer } from './resize-outcome.js';
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
        .where('task_state', 'in', ['scheduling', 'resize_prep'])
        .where('deleted_at', 'is', null)
        .orderBy('created_at')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return {};
      const servers = rows.map(toServer);
      const { claims, unplaceable } = await plan(deps, servers);
      const { committed, stale } = await applyPlan(deps.placement, claims);
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
    try {
      hosts = planOne(s, { hosts, groups, images, pipeline, out });
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
  readonly hosts: HostView[];
  readonly groups: GroupState;
  readonly images: Map<string, ComputeImage>;
  readonly pipeline: ReturnType<typeof defaultPipeline>;
  readonly out: Planned;
}

/** Chooses a host for one server and returns the snapshot with its claim added. */
function planOne(s: Server, st: PlanState): HostView[] {
  const { groups, images, pipeline, out } = st;
  let hosts = st.hosts;
  const resizing = s.taskState === 'resize_prep' && s.newFlavor !== null;
  const resources = resourcesOf(resizing ? { flavor: s.newFlavor! } : s);
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
    return hosts;
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
  if (resizing) out.claims.push(migrationClaim(s, hosts));
  return hosts;
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
