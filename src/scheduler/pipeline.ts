import { availabilityZoneFilter } from './filters/availability-zone-filter.js';
import { hostStateFilter } from './filters/host-state-filter.js';
import { resourcesFilter } from './filters/resources-filter.js';
import { serverGroupFilter } from './filters/server-group-filter.js';
import { traitsFilter } from './filters/traits-filter.js';
import type { HostView, PlacementRequest } from './host-view.js';
import { ramWeigher } from './weighers/ram-weigher.js';
import { serverGroupWeigher } from './weighers/server-group-weigher.js';

export type Verdict = { readonly pass: true } | { readonly pass: false; readonly reason: string };

export interface HostFilter {
  readonly name: string;
  check(host: HostView, req: PlacementRequest): Verdict;
}

export interface HostWeigher {
  readonly name: string;
  /** Sign chooses spread (+) or stack (-). */
  readonly multiplier: number;
  /** Raw score; the pipeline normalizes each weigher to 0..1 across candidates. */
  weigh(host: HostView, req: PlacementRequest): number;
}

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
      availabilityZoneFilter, // the requested zone, if any
      traitsFilter, //           the image's driver and other required traits
      resourcesFilter, //        free VCPU, MEMORY_MB, DISK_GB within max_unit
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
  const rejected: Record<string, number> = {};
  const passed: HostView[] = [];
  for (const h of hosts) {
    const v = firstRejection(h, req, p.filters);
    if (v === undefined) passed.push(h);
    else rejected[v] = (rejected[v] ?? 0) + 1;
  }
  const scores = totalScores(passed, req, p.weighers);
  const best = bestOf(passed, scores, keepBest);
  return {
    chosen: best.map((i) => passed[i]!),
    report: {
      evaluated: hosts.length,
      rejected,
      top: best.map((i) => ({ hostname: passed[i]!.hostname, score: scores[i]! })),
    },
  };
}

function firstRejection(h: HostView, req: PlacementRequest, filters: ReadonlyArray<HostFilter>) {
  for (const f of filters) {
    const v = f.check(h, req);
    if (!v.pass) return v.reason;
  }
  return undefined;
}

function totalScores(
  hosts: ReadonlyArray<HostView>,
  req: PlacementRequest,
  weighers: ReadonlyArray<HostWeigher>,
): Float64Array {
  const total = new Float64Array(hosts.length);
  const raw = new Float64Array(hosts.length);
  for (const w of weighers) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < hosts.length; i++) {
      const x = w.weigh(hosts[i]!, req);
      raw[i] = x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (hi === lo) continue;
    for (let i = 0; i < hosts.length; i++) total[i]! += (w.multiplier * (raw[i]! - lo)) / (hi - lo);
  }
  return total;
}

/** Indexes of the `k` best hosts, best first: higher score, then hostname. */
function bestOf(hosts: ReadonlyArray<HostView>, scores: Float64Array, k: number): number[] {
  const better = (a: number, b: number) =>
    scores[a]! > scores[b]! || (scores[a] === scores[b] && hosts[a]!.hostname < hosts[b]!.hostname);
  const top: number[] = [];
  for (let i = 0; i < hosts.length; i++) {
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
