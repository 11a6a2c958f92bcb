import type { HostView, PlacementRequest } from './host-view.js';
import { withClaim } from './host-views.js';
import type { HostCheck, Pipeline, SelectionReport } from './pipeline.js';
import { checksFor, firstRejection, rank, select } from './pipeline.js';

interface Shape {
  readonly checks: HostCheck[];
  /** passing[i] = 1 when host i passes every filter for this shape. */
  readonly passing: Uint8Array;
}

/**
 * Selects hosts for a whole scheduling pass. Requests of the same shape (resources,
 * traits, zone, no group) share one filtering of every host, and a claim re-checks only
 * the host it lands on: claims only take room away, so no other verdict can change.
 * Decisions are the ones select() makes over the same views.
 */
export class BatchSelector {
  readonly #shapes = new Map<string, Shape>();

  constructor(
    readonly hosts: HostView[],
    private readonly pipeline: Pipeline,
  ) {}

  select(req: PlacementRequest): { chosen: HostView[]; report: SelectionReport } {
    // Group requests depend on where earlier members landed: filter those afresh.
    if (req.group !== undefined) return select(this.hosts, req, this.pipeline);
    const shape = this.#shape(req);
    const passed: HostView[] = [];
    for (let i = 0; i < this.hosts.length; i++) if (shape.passing[i] === 1) passed.push(this.hosts[i]!);
    // Only a refusal needs the per-reason counts: recompute them then.
    if (passed.length === 0) return select(this.hosts, req, this.pipeline);
    return rank(passed, req, this.pipeline, { evaluated: this.hosts.length, rejected: {} });
  }

  /** Adds `resources` to host `index` and updates every shape's verdict for that host. */
  claim(index: number, resources: Readonly<Record<string, number>>): HostView {
    const host = withClaim(this.hosts[index]!, resources);
    this.hosts[index] = host;
    for (const shape of this.#shapes.values()) {
      if (shape.passing[index] === 1 && firstRejection(host, shape.checks) !== undefined)
        shape.passing[index] = 0;
    }
    return host;
  }

  #shape(req: PlacementRequest): Shape {
    const key = JSON.stringify([req.resources, [...req.requiredTraits].sort(), req.availabilityZone ?? null]);
    let shape = this.#shapes.get(key);
    if (shape === undefined) {
      const checks = checksFor(req, this.pipeline);
      const passing = new Uint8Array(this.hosts.length);
      for (let i = 0; i < this.hosts.length; i++)
        passing[i] = firstRejection(this.hosts[i]!, checks) === undefined ? 1 : 0;
      shape = { checks, passing };
      this.#shapes.set(key, shape);
    }
    return shape;
  }
}
