import type { HostView, PlacementRequest } from '../host-view.js';

/** A filter's test for one request: undefined when the host passes, else why it does not. */
export type HostCheck = (host: HostView) => string | undefined;

/** One stage of the pipeline's filters; each lives in its own file beside this one. */
export interface HostFilter {
  readonly name: string;
  /** Prepares the check once per request (it runs for every host); undefined when it cannot reject. */
  forRequest(req: PlacementRequest): HostCheck | undefined;
}
