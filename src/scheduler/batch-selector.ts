import type { HostView, PlacementRequest } from './host-view.js';
import { withClaim, withoutClaim } from './host-views.js';
import type { HostCheck } from './filters/host-filter.js';
import type { Pipeline, PreparedWeigher, SelectionReport } from './pipeline.js';
import {
  addNormalized,
  checksFor,
  firstRejection,
  hostnameRanks,
  keepBestOf,
  select,
  weighersFor,
} from './pipeline.js';

interface Shape {
  readonly checks: HostCheck[];
  /** passing[i] = 1 when host i passes every filter for this shape. */
  readonly passing: Uint8Array;
  /** Each weigher's raw score of every host, kept current as claims land. */
  readonly weighers: ReadonlyArray<PreparedWeigher & { readonly raw: Float64Array }>;
}

/**
 * Selects hosts for a whole scheduling pass. Requests of the same shape (resources,
 * required and forbidden traits, zone, no group) share one filtering of every host, and a
 * claim re-checks only the host it lands on: claims only take room away, so no other
 * verdict can change (release() gives room back, and re-checks that host too). The
 * weighers' raw scores are kept per host the same way, and only normalized per choice.
 * Decisions are the ones select() makes over the same views.
 */
export class BatchSelector {
  readonly #shapes = new Map<string, Shape>();
  /** Scratch for one choice's total scores, by host index. */
  readonly #scores: Float64Array;
  /** Claims never rename a host, so the hostname order holds for the selector's life. */
  readonly #nameRank: Int32Array;

  constructor(
    readonly hosts: HostView[],
    private readonly pipeline: Pipeline,
  ) {
    this.#scores = new Float64Array(hosts.length);
    this.#nameRank = hostnameRanks(hosts);
  }

  select(req: PlacementRequest): { chosen: HostView[]; report: SelectionReport } {
    // Group requests depend on where earlier members landed, and reschedules on where they
    // failed: filter those afresh (both are rare).
    if (req.group !== undefined || (req.ignoreHosts?.length ?? 0) > 0)
      return select(this.hosts, req, this.pipeline);
    const shape = this.#shape(req);
    // Only a refusal needs the per-reason counts: recompute them then.
    if (shape.passing.indexOf(1) === -1) return select(this.hosts, req, this.pipeline);
    // The scores rank() would give the passing hosts, from the kept raw scores, in place.
    const total = this.#scores.fill(0);
    for (const w of shape.weighers) addNormalized(total, w.raw, w.multiplier, shape.passing);
    return keepBestOf(
      this.hosts,
      total,
      { evaluated: this.hosts.length, rejected: {} },
      { eligible: shape.passing, nameRank: this.#nameRank },
    );
  }

  /** Adds `resources` to host `index` and updates every shape's verdict for that host. */
  claim(index: number, resources: Readonly<Record<string, number>>): HostView {
    const host = withClaim(this.hosts[index]!, resources);
    this.hosts[index] = host;
    for (const shape of this.#shapes.values()) {
      if (shape.passing[index] !== 1) continue;
      if (firstRejection(host, shape.checks) !== undefined) shape.passing[index] = 0;
      for (const w of shape.weighers) w.raw[index] = w.weigh(host);
    }
    return host;
  }

  /**
   * Takes back a claim() whose plan was dropped (a multi-create that could not place every
   * server). Room comes back, so the host is judged afresh for every shape.
   */
  release(index: number, resources: Readonly<Record<string, number>>): HostView {
    const host = withoutClaim(this.hosts[index]!, resources);
    this.hosts[index] = host;
    for (const shape of this.#shapes.values()) {
      shape.passing[index] = firstRejection(host, shape.checks) === undefined ? 1 : 0;
      for (const w of shape.weighers) w.raw[index] = w.weigh(host);
    }
    return host;
  }

  #shape(req: PlacementRequest): Shape {
    const forbidden = req.forbiddenTraits ?? [];
    const key = JSON.stringify([
      req.resources,
      [...req.requiredTraits].sort(),
      req.availabilityZone ?? null,
      forbidden.length === 0 ? null : [...forbidden].sort(),
    ]);
    let shape = this.#shapes.get(key);
    if (shape === undefined) {
      const checks = checksFor(req, this.pipeline);
      const passing = new Uint8Array(this.hosts.length);
      for (let i = 0; i < this.hosts.length; i++)
        passing[i] = firstRejection(this.hosts[i]!, checks) === undefined ? 1 : 0;
      const weighers = weighersFor(req, this.pipeline).map((w) => ({
        ...w,
        raw: Float64Array.from(this.hosts, w.weigh),
      }));
      shape = { checks, passing, weighers };
      this.#shapes.set(key, shape);
    }
    return shape;
  }
}
