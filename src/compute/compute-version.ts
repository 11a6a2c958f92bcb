import type { MicroversionPolicy } from '../common/http/microversion.js';
import { formatMicroversion } from '../common/http/microversion.js';
import { route } from '../common/http/route-spec.js';
import type { ComputeDeps } from './compute-deps.js';
import {
  computeVersionListResponse,
  computeVersionShowResponse,
} from './compute-version-response-schemas.js';

/**
 * The microversions Strata implements. Raise `max` only with the behaviour of every
 * version up to it (docs/checklists/add-a-microversion.md).
 */
export const computeMicroversions: MicroversionPolicy = {
  serviceType: 'compute',
  legacyHeader: 'x-openstack-nova-api-version',
  min: [2, 1],
  max: [2, 60],
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
    // Nova answers its root with 200 (300 is only for unknown version paths it redirects).
    successStatus: 200,
    response: computeVersionListResponse,
    expectedErrors: [],
    handler: async (ctx) => ({ versions: [v21(ctx.serviceUrl)] }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1',
    auth: 'none',
    successStatus: 200,
    response: computeVersionShowResponse,
    expectedErrors: [],
    handler: async (ctx) => ({
      version: {
        ...v21(ctx.serviceUrl),
        links: [
          { rel: 'self', href: `${ctx.serviceUrl}/v2.1/` },
          { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
        ],
        'media-types': [
          { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
        ],
      },
    }),
  }),
];
