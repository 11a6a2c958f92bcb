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

/** Pure over its inputs: filter, weigh (normalized), sort best first, and explain. */
export function select(
  hosts: ReadonlyArray<HostView>,
  req: PlacementRequest,
  p: Pipeline,
): { chosen: HostView[]; report: SelectionReport } {
  const rejected: Record<string, number> = {};
  const passed = hosts.filter((h) => {
    for (const f of p.filters) {
      const v = f.check(h, req);
      if (!v.pass) {
        rejected[v.reason] = (rejected[v.reason] ?? 0) + 1;
        return false;
      }
    }
    return true;
  });
  const scores = new Map<HostView, number>(passed.map((h) => [h, 0]));
  for (const w of p.weighers) {
    const raw = passed.map((h) => w.weigh(h, req));
    const lo = Math.min(...raw);
    const hi = Math.max(...raw);
    passed.forEach((h, i) =>
      scores.set(h, scores.get(h)! + w.multiplier * (hi === lo ? 0 : (raw[i]! - lo) / (hi - lo))),
    );
  }
  const chosen = [...passed].sort(
    (a, b) => scores.get(b)! - scores.get(a)! || a.hostname.localeCompare(b.hostname),
  );
  return {
    chosen,
    report: {
      evaluated: hosts.length,
      rejected,
      top: chosen.slice(0, 3).map((h) => ({ hostname: h.hostname, score: scores.get(h)! })),
    },
  };
}

/** "3 hosts: 2 lacking DISK_GB, 1 without trait CUSTOM_STRATA_VM" — the fault detail admins see. */
export function describeReport(r: SelectionReport): string {
  const parts = Object.entries(r.rejected).map(([reason, n]) => `${n} ${reason}`);
  return `${r.evaluated} hosts${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
