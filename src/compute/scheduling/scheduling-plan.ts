import type { BatchSelector } from '../../scheduler/batch-selector.js';
import type { HostView, PlacementRequest } from '../../scheduler/host-view.js';
import { describeReport } from '../../scheduler/pipeline.js';
import type { Claim } from '../../scheduler/plan-applier.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import type { CachedHosts } from './host-state-cache.js';
import { migrationConsumer } from './resize-outcome.js';
import type { GroupState } from './scheduling-inputs.js';
import { loadGroups, requestedTraits, resourcesOf } from './scheduling-inputs.js';

export interface Planned {
  readonly claims: Claim[];
  readonly unplaceable: Array<{ server: Server; detail: string }>;
  /** Whether the host views came straight from the store (else from the cache). */
  readonly fresh: boolean;
}

/**
 * Chooses a host for every server of the pass, later choices seeing earlier ones. The
 * servers one request created (a multi-create) are placed together, as Nova's scheduler
 * places a request's instances: if any of them fits no host, none is placed.
 */
export async function planPass(
  deps: ComputeDeps,
  hosts: CachedHosts,
  servers: ReadonlyArray<Server>,
): Promise<Planned> {
  const st: PlanState = {
    selector: hosts.selector,
    index: hosts.index,
    groups: await loadGroups(deps, servers),
    images: await imagesOf(deps, servers),
  };
  const out: Planned = { claims: [], unplaceable: [], fresh: hosts.fresh };
  for (const unit of requestUnits(servers)) {
    if (unit.length === 1) {
      const c = chooseGuarded(unit[0]!, st);
      if (c.kind === 'placed') out.claims.push(...c.claims);
      else out.unplaceable.push({ server: unit[0]!, detail: c.detail });
    } else planTogether(unit, st, out);
  }
  return out;
}

/**
 * The pass's servers in order, those of one request (one reservation id, first placement)
 * together at the first one's position. A reschedule and a resize are units of their own.
 * Linear: a storm of single creates costs one map lookup per server.
 */
export function requestUnits(servers: ReadonlyArray<Server>): Server[][] {
  const units: Server[][] = [];
  const byReservation = new Map<string, Server[]>();
  for (const s of servers) {
    const first = s.taskState === 'scheduling' && s.buildAttempts.length === 0;
    const unit = first ? byReservation.get(s.reservationId) : undefined;
    if (unit !== undefined) {
      unit.push(s);
      continue;
    }
    const fresh = [s];
    units.push(fresh);
    if (first) byReservation.set(s.reservationId, fresh);
  }
  return units;
}

/**
 * Places the servers of one request, or none of them: Nova fails the whole request when
 * it cannot place every instance, and drops the claims it made. Their claims commit as
 * one unit, so placement cannot half-take them either.
 */
function planTogether(unit: ReadonlyArray<Server>, st: PlanState, out: Planned): void {
  const placed: Placed[] = [];
  for (const s of unit) {
    const c = chooseGuarded(s, st);
    if (c.kind === 'placed') {
      placed.push(c);
      continue;
    }
    for (const p of placed.reverse()) {
      st.selector.release(p.hostIndex, p.resources);
      forgetGroupMember(st.groups, p.server, p.hostname);
    }
    const detail = `not enough hosts for all ${unit.length} servers of reservation ${s.reservationId}: ${c.detail}`;
    for (const server of unit) out.unplaceable.push({ server, detail });
    return;
  }
  const key = `reservation:${unit[0]!.reservationId}`;
  for (const p of placed) out.claims.push(...p.claims.map((c) => ({ ...c, unit: key })));
}

interface PlanState {
  /** Chooses over the cached views; a claim updates its host's entry there. */
  readonly selector: BatchSelector;
  readonly index: ReadonlyMap<string, number>;
  readonly groups: GroupState;
  readonly images: Map<string, ComputeImage>;
}

interface Placed {
  readonly kind: 'placed';
  readonly server: Server;
  readonly claims: Claim[];
  /** What was claimed into the selector, to take it back. */
  readonly hostIndex: number;
  readonly hostname: string;
  readonly resources: Readonly<Record<string, number>>;
}

type Choice = Placed | { readonly kind: 'unplaceable'; readonly detail: string };

/** One bad row must not stall everyone's scheduling: it fails alone, with the reason. */
function chooseGuarded(s: Server, st: PlanState): Choice {
  try {
    return choose(s, st);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { kind: 'unplaceable', detail: `scheduling error: ${why}` };
  }
}

/** Chooses a host for one server and adds its claim to the pass's views. */
function choose(s: Server, st: PlanState): Choice {
  const { selector, groups } = st;
  const resizing = s.taskState === 'resize_prep' && s.newFlavor !== null;
  // A resize asks what its new flavor asks, as Nova's request spec then carries the new flavor.
  const flavor = resizing ? s.newFlavor! : s.flavor;
  const resources = resourcesOf({ flavor, imageId: s.imageId });
  const traits = requestedTraits(st.images.get(s.imageId), flavor.extraSpecs);
  const group = s.serverGroupId === null ? undefined : groups.get(s.serverGroupId);
  const req: PlacementRequest = {
    consumerId: s.id,
    resources,
    requiredTraits: traits.required,
    ...(traits.forbidden.length > 0 && { forbiddenTraits: traits.forbidden }),
    ...(s.availabilityZone !== null && { availabilityZone: s.availabilityZone }),
    ...(group && { group }),
    // A server back in 'scheduling' after a build failed: every host it was placed on failed it.
    ...(s.taskState === 'scheduling' &&
      s.buildAttempts.length > 0 && { ignoreHosts: s.buildAttempts.map((a) => a.host) }),
  };
  const { chosen, report } = selector.select(req);
  const best = chosen[0];
  if (best === undefined) return { kind: 'unplaceable', detail: describeReport(report) };
  const hostIndex = st.index.get(best.providerId)!;
  selector.claim(hostIndex, resources);
  noteGroupMember(groups, s, best.hostname);
  const claim: Claim = {
    consumerId: s.id,
    projectId: s.projectId,
    userId: s.userId,
    hostname: best.hostname,
    allocations: [{ providerId: best.providerId, resources }],
  };
  // The server's claim and its migration's move the old flavor's room together.
  const claims = resizing
    ? [claim, migrationClaim(s, selector.hosts)].map((c) => ({ ...c, unit: `resize:${s.id}` }))
    : [claim];
  return { kind: 'placed', server: s, claims, hostIndex, hostname: best.hostname, resources };
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

function forgetGroupMember(groups: GroupState, s: Server, hostname: string): void {
  const g = s.serverGroupId === null ? undefined : groups.get(s.serverGroupId);
  const n = g?.membersByHost.get(hostname) ?? 0;
  if (n > 1) g!.membersByHost.set(hostname, n - 1);
  else g?.membersByHost.delete(hostname);
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
