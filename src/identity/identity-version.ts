import { respond } from '../common/http/http-response.js';
import { route } from '../common/http/route-spec.js';
import type { IdentityDeps } from './identity-deps.js';
import { versionResponse, versionsResponse } from './identity-response-schemas.js';

/** Keystone Zed's API version; clients use it only to find the v3 root. */
const v3 = (serviceUrl: string) => ({
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${serviceUrl}/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
});

export const versionRoutes = [
  route<IdentityDeps>({
    method: 'GET',
    url: '/',
    auth: 'none',
    successStatus: 300,
    response: versionsResponse,
    expectedErrors: [],
    handler: async (ctx) => respond({ versions: { values: [v3(ctx.serviceUrl)] } }, { status: 300 }),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3',
    auth: 'none',
    successStatus: 200,
    response: versionResponse,
    expectedErrors: [],
    handler: async (ctx) => ({ version: v3(ctx.serviceUrl) }),
  }),
];
