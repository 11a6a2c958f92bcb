import type { HostView, PlacementRequest } from '../host-view.js';

/** One of the pipeline's weighers; each lives in its own file beside this one. */
export interface HostWeigher {
  readonly name: string;
  /** Sign chooses spread (+) or stack (-). */
  readonly multiplier: number;
  /** Raw score per host for one request (normalized by the pipeline to 0..1); undefined when it is neutral. */
  forRequest(req: PlacementRequest): ((host: HostView) => number) | undefined;
}
