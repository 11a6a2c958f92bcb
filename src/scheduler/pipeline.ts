import { availabilityZoneFilter } from './filters/availability-zone-filter.js';
import { hostStateFilter } from './filters/host-state-filter.js';
import { resourcesFilter } from './filters/resources-filter.js';
import { retryFilter } from './filters/retry-filter.js';
import { serverGroupFilter } from './filters/server-group-filter.js';
import { traitsFilter } from './filters/traits-filter.js';
import type { HostCheck, HostFilter } from './filters/host-filter.js';
import type { HostView, PlacementRequest } from './host-view.js';
import type { HostWeigher } from './weighers/host-weigher.js';
import { ramWeigher } from './weighers/ram-weigher.js';
import { serverGroupWeigher } from './weighers/server-group-weigher.js';

export interface SelectionReport {
  readonly evaluated: number;
  /** reason -> how many hosts it rejected. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly top: ReadonlyArray<{ readonly hostname: string; readonly score: number }>;
}

export interface Pipeline {
  readonly filters: ReadonlyArray<HostFilter>;
  readonly weighers: ReadonlyArray<HostWeigher>;
}

/** The default pipeline, in order. `spread` chooses the RAM weigher's direction. */
export function defaultPipeline(strategy: 'spread' | 'pack'): Pipeline {
  return {
    filters: [
      hostStateFilter, //        enabled and heartbeating
      retryFilter, //            not a host this build already failed on
      availabilityZoneFilter, // the requested zone, if any
      traitsFilter, //           the image's driver and other required traits, no forbidden one
      resourcesFilter, //        room for every class asked, within max_unit, min_unit, step_size
      serverGroupFilter, //      hard affinity / anti-affinity
    ],
    weighers: [
      ramWeigher(strategy === 'spread' ? 1 : -1), // most (spread) or least (pack) free RAM
      serverGroupWeigher, //                         soft affinity / anti-affinity
    ],
  };
}

/** How many of the best hosts select() returns, best first (alternates for a retry, and the report). */
const keepBest = 3;

/**
 * Pure over its inputs: filter, weigh (each weigher normalized to 0..1), keep the best
 * few (ties by hostname), and explain. Linear in the host count: it runs once per server.
 */
export function select(
  hosts: ReadonlyArray<HostView>,
  req: PlacementRequest,
  p: Pipeline,
): { chosen: HostView[]; report: SelectionReport } {
  const checks = checksFor(req, p);
  const rejected: Record<string, number> = {};
  const passed: HostView[] = [];
  for (const h of hosts) {
    const why = firstRejection(h, checks);
    if (why === undefined) passed.push(h);
    else rejected[why] = (rejected[why] ?? 0) + 1;
  }
  return rank(passed, req, p, { evaluated: hosts.length, rejected });
}

/** The request's prepared filter checks, in pipeline order. */
export function checksFor(req: PlacementRequest, p: Pipeline): HostCheck[] {
  return p.filters.map((f) => f.forRequest(req)).filter((c): c is HostCheck => c !== undefined);
}

/** Weighs hosts that passed every filter and keeps the best few, best first. */
export function rank(
  passed: ReadonlyArray<HostView>,
  req: PlacementRequest,
  p: Pipeline,
  filtered: Pick<SelectionReport, 'evaluated' | 'rejected'>,
): { chosen: HostView[]; report: SelectionReport } {
  const total = new Float64Array(passed.length);
  for (const w of weighersFor(req, p)) {
    const raw = new Float64Array(passed.length);
    for (let i = 0; i < passed.length; i++) raw[i] = w.weigh(passed[i]!);
    addNormalized(total, raw, w.multiplier);
  }
  return keepBestOf(passed, total, filtered);
}

/** A weigher prepared for one request. */
export interface PreparedWeigher {
  readonly multiplier: number;
  readonly weigh: (host: HostView) => number;
}

/** The request's weighers that have an opinion on it, in pipeline order. */
export function weighersFor(req: PlacementRequest, p: Pipeline): PreparedWeigher[] {
  return p.weighers.flatMap((w) => {
    const weigh = w.forRequest(req);
    return weigh === undefined ? [] : [{ multiplier: w.multiplier, weigh }];
  });
}

/**
 * Adds one weigher's raw scores to `total`, normalized to 0..1 over the hosts (only those
 * with `eligible[i] === 1` when given); nothing when they all tie.
 */
export function addNormalized(
  total: Float64Array,
  raw: Float64Array,
  multiplier: number,
  eligible?: Uint8Array,
): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    if (eligible !== undefined && eligible[i] !== 1) continue;
    const x = raw[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (hi === lo) return;
  for (let i = 0; i < raw.length; i++) {
    if (eligible !== undefined && eligible[i] !== 1) continue;
    total[i]! += (multiplier * (raw[i]! - lo)) / (hi - lo);
  }
}

/** Narrows keepBestOf for callers that keep state across choices (BatchSelector). */
export interface BestOfOptions {
  /** Only hosts with `eligible[i] === 1` compete. */
  readonly eligible?: Uint8Array;
  /** Each host's position in hostname order: ties compare integers instead of strings. */
  readonly nameRank?: Int32Array;
}

/** The best few of weighed hosts, best first (higher score, then hostname), with the report. */
export function keepBestOf(
  hosts: ReadonlyArray<HostView>,
  scores: Float64Array,
  filtered: Pick<SelectionReport, 'evaluated' | 'rejected'>,
  opts: BestOfOptions = {},
): { chosen: HostView[]; report: SelectionReport } {
  const best = bestOf(hosts, scores, keepBest, opts);
  return {
    chosen: best.map((i) => hosts[i]!),
    report: { ...filtered, top: best.map((i) => ({ hostname: hosts[i]!.hostname, score: scores[i]! })) },
  };
}

export function firstRejection(h: HostView, checks: ReadonlyArray<HostCheck>): string | undefined {
  for (let i = 0; i < checks.length; i++) {
    const why = checks[i]!(h);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** Positions of the hosts in hostname order (see BestOfOptions.nameRank). */
export function hostnameRanks(hosts: ReadonlyArray<HostView>): Int32Array {
  const order = hosts.map((_, i) => i).sort((a, b) => (hosts[a]!.hostname < hosts[b]!.hostname ? -1 : 1));
  const rank = new Int32Array(hosts.length);
  order.forEach((hostIndex, position) => (rank[hostIndex] = position));
  return rank;
}

/** Indexes of the `k` best hosts, best first: higher score, then hostname. */
function bestOf(
  hosts: ReadonlyArray<HostView>,
  scores: Float64Array,
  k: number,
  { eligible, nameRank }: BestOfOptions,
): number[] {
  const nameBefore =
    nameRank === undefined
      ? (a: number, b: number) => hosts[a]!.hostname < hosts[b]!.hostname
      : (a: number, b: number) => nameRank[a]! < nameRank[b]!;
  const better = (a: number, b: number) =>
    scores[a]! > scores[b]! || (scores[a] === scores[b] && nameBefore(a, b));
  const top: number[] = [];
  for (let i = 0; i < hosts.length; i++) {
    if (eligible !== undefined && eligible[i] !== 1) continue;
    if (top.length === k && !better(i, top[k - 1]!)) continue;
    let at = top.length;
    while (at > 0 && better(i, top[at - 1]!)) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/** "3 hosts: 2 lacking DISK_GB, 1 without trait CUSTOM_STRATA_VM" — the fault detail admins see. */
export function describeReport(r: SelectionReport): string {
  const parts = Object.entries(r.rejected).map(([reason, n]) => `${n} ${reason}`);
  return `${r.evaluated} hosts${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
