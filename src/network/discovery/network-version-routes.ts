import { NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { NetworkDeps } from '../network-deps.js';
import { resourceListResponse, versionListResponse } from './discovery-response-schemas.js';

/** The core collections under /v2.0/, as Neutron's API root lists them (subnet pools are core). */
const collections = [
  ['network', 'networks'],
  ['subnet', 'subnets'],
  ['subnetpool', 'subnetpools'],
  ['port', 'ports'],
] as const;

export const versionRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/',
    auth: 'none',
    successStatus: 200,
    response: versionListResponse,
    expectedErrors: [],
    handler: async (ctx) => ({
      versions: [
        { id: 'v2.0', status: 'CURRENT', links: [{ href: `${ctx.serviceUrl}/v2.0/`, rel: 'self' }] },
      ],
    }),
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0',
    policy: 'get_extension',
    successStatus: 200,
    response: resourceListResponse,
    expectedErrors: [404],
    handler: async (ctx) => {
      // Neutron's V2Controller lists its resources only at `/v2.0/`; `/v2.0` is 404 there.
      if (!ctx.url.endsWith('/'))
        throw new NotFoundError('common.http.no_route', 'The resource could not be found.');
      return {
        resources: collections.map(([name, collection]) => ({
          name,
          collection,
          links: [{ href: `${ctx.serviceUrl}/v2.0/${collection}`, rel: 'self' }],
        })),
      };
    },
  }),
];
