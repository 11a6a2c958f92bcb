import { computeFault } from '../common/faults/compute-fault.js';
import type { RouteSpec } from '../common/http/route-spec.js';
import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import type { ServiceContext } from '../common/service-context.js';
import type { ComputeDeps } from './compute-deps.js';
import { computeBasePolicy } from './compute-policy.js';
import { computeMicroversions, computeVersionRoutes } from './compute-version.js';

/** Every compute route; resources add one spread line each. */
export const computeRouteTable: ReadonlyArray<RouteSpec<ComputeDeps>> = [...computeVersionRoutes];

/** Every compute policy default; resources add one spread line each. */
export const computePolicy: Readonly<Record<string, string>> = { ...computeBasePolicy };

/** Compute v2.1 (Nova) mounted at /compute; the catalog points at /compute/v2.1. */
export function computeService(ctx: ServiceContext, deps: ComputeDeps): ServicePlugin {
  const prefix = '/compute';
  return {
    name: 'compute',
    serviceType: 'compute',
    catalogName: 'nova',
    prefix,
    catalogSuffix: '/v2.1',
    policy: computePolicy,
    plugin: serviceRoutes({
      name: 'compute',
      prefix,
      deps,
      routes: computeRouteTable,
      fault: computeFault,
      tokens: ctx.http.tokens,
      policy: ctx.http.policy,
      malformedBodyMessage: 'Malformed request body',
      microversions: computeMicroversions,
      strictErrors: ctx.http.strictErrors,
    }),
  };
}

export type { ComputeDeps } from './compute-deps.js';
