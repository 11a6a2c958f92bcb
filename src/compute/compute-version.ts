import { respond } from '../common/http/http-response.js';
import type { MicroversionPolicy } from '../common/http/microversion.js';
import { formatMicroversion } from '../common/http/microversion.js';
import { route } from '../common/http/route-spec.js';
import type { ComputeDeps } from './compute-deps.js';

/**
 * The microversions Strata implements. Raise `max` only with the behaviour of every
 * version up to it (docs/checklists/add-a-microversion.md).
 */
export const computeMicroversions: MicroversionPolicy = {
  serviceType: 'compute',
  legacyHeader: 'x-openstack-nova-api-version',
  min: [2, 1],
  max: [2, 37],
};

const v21 = (rootUrl: string) => ({
  id: 'v2.1',
  status: 'CURRENT',
  version: formatMicroversion(computeMicroversions.max),
  min_version: formatMicroversion(computeMicroversions.min),
  updated: '2013-07-23T11:33:21Z',
  links: [{ rel: 'self', href: `${rootUrl}/v2.1/` }],
});

export const computeVersionRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/',
    auth: 'none',
    successStatus: 300,
    expectedErrors: [],
    handler: async (ctx) => respond({ versions: [v21(ctx.serviceUrl)] }, { status: 300 }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1',
    auth: 'none',
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx) => ({
      version: {
        ...v21(ctx.serviceUrl),
        'media-types': [
          { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
        ],
      },
    }),
  }),
];
