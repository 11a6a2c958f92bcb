import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { projectTarget } from '../servers/server-caller.js';
import { floatingIpPoolListResponse } from './network-proxy-response-schemas.js';
import { proxyOnly } from './security-group-proxy-routes.js';

const rule = 'os_compute_api:os-floating-ip-pools';

/** Nova lets any authenticated caller list the pools. */
export const floatingIpPoolPolicy: Readonly<Record<string, string>> = { [rule]: '@' };

/**
 * GET /os-floating-ip-pools (proxy API, up to 2.35): the external networks the caller sees,
 * each named by its name or, when it has none, its id, as Nova's view does.
 */
export const floatingIpPoolRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-floating-ip-pools',
    policy: rule,
    target: projectTarget,
    successStatus: 200,
    response: floatingIpPoolListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const networks = await deps.network.externalNetworks(proxyOnly(ctx));
      return { floating_ip_pools: networks.map((n) => ({ name: n.name || n.id })) };
    },
  }),
];
