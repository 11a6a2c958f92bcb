import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { ImageDeps } from '../image-deps.js';
import { versionsResponse } from '../images/image-response-schemas.js';

/** Image API versions Glance lists without the cache or multiple stores: 2.15 down to 2.0, no 2.8. */
const versions: ReadonlyArray<string> = [
  '2.15',
  '2.9',
  '2.7',
  '2.6',
  '2.5',
  '2.4',
  '2.3',
  '2.2',
  '2.1',
  '2.0',
];

/** Glance's version document: every version points at the one v2 API. */
export function versionsView(serviceUrl: string) {
  return {
    versions: versions.map((v, i) => ({
      id: `v${v}`,
      status: i === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${serviceUrl}/v2/` }],
    })),
  };
}

export const versionRoutes = [
  route<ImageDeps>({
    method: 'GET',
    url: '/',
    auth: 'none',
    // Version discovery precedes authentication, as in Glance.
    successStatus: 300,
    response: versionsResponse,
    expectedErrors: [],
    handler: async (ctx) => respond(versionsView(ctx.serviceUrl), { status: 300 }),
  }),
  route<ImageDeps>({
    method: 'GET',
    url: '/versions',
    auth: 'none',
    // Asked for explicitly, the same document comes back 200.
    successStatus: 200,
    response: versionsResponse,
    expectedErrors: [],
    handler: async (ctx) => versionsView(ctx.serviceUrl),
  }),
];
