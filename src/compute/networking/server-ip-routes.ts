import { NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, serverTarget } from '../servers/server-caller.js';
import { findServer } from '../servers/server-service.js';
import type { Addresses } from './server-addresses.js';
import { addressesOf } from './server-addresses.js';
import { serverIpsByNetworkResponse, serverIpsResponse } from './server-ip-response-schemas.js';

const readerOrAdmin = 'rule:project_reader_or_admin';

export const serverIpPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:ips:index': readerOrAdmin,
  'os_compute_api:ips:show': readerOrAdmin,
};

/** The ips API shows the plain address (version and addr), without the server view's extensions. */
function basic(addresses: Addresses): Record<string, { version: number; addr: string }[]> {
  return Object.fromEntries(
    Object.entries(addresses).map(([net, list]) => [
      net,
      list.map((a) => ({ version: a.version, addr: a.addr })),
    ]),
  );
}

async function addressesOfServer(ctx: Parameters<RouteSpec<ComputeDeps>['handler']>[0], deps: ComputeDeps) {
  const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
  return basic(addressesOf(await deps.network.portsOfDevices([s.id])));
}

/** GET /servers/{id}/ips and /ips/{network_label}: the server's addresses by network name. */
export const serverIpRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/ips',
    policy: 'os_compute_api:ips:index',
    target: serverTarget,
    successStatus: 200,
    response: serverIpsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({ addresses: await addressesOfServer(ctx, deps) }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/ips/:network_label',
    policy: 'os_compute_api:ips:show',
    target: serverTarget,
    successStatus: 200,
    response: serverIpsByNetworkResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const label = ctx.params['network_label']!;
      const all = await addressesOfServer(ctx, deps);
      const list = all[label];
      if (list === undefined)
        throw new NotFoundError(
          'compute.network.not_member',
          'Instance is not a member of specified network',
        );
      return { [label]: list };
    },
  }),
];
