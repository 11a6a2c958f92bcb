import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, serverTarget } from './server-caller.js';
import { serverDiagnosticsResponses } from './server-diagnostics-schemas.js';
import { serverDiagnostics } from './server-diagnostics-service.js';

/** GET /servers/{server_id}/diagnostics (admin by default), 2.1: driver-specific keys; 2.48: Nova's standard fields. */
export const serverDiagnosticsRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/diagnostics',
    policy: 'os_compute_api:os-server-diagnostics',
    // Loads the server first, so an unknown one is 404 before the policy says 403 (Nova's order).
    target: serverTarget,
    successStatus: 200,
    response: serverDiagnosticsResponses,
    expectedErrors: [404, 409],
    handler: (ctx, deps) =>
      serverDiagnostics(deps, callerOf(ctx), ctx.params['server_id']!, ctx.microversion),
  }),
];
