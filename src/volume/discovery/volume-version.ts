import { respond } from '../../common/http/http-response.js';
import { NotFoundError } from '../../common/errors.js';
import type { Microversion, MicroversionPolicy } from '../../common/http/microversion.js';
import { atLeast, formatMicroversion } from '../../common/http/microversion.js';
import { route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { volumeVersionListResponse } from './volume-version-response-schemas.js';

/**
 * The microversions Strata implements, 3.0 to 3.60: each version's behaviour for the
 * resources that exist is in the views and list filters (see docs/architecture.md).
 */
export const volumeMicroversions: MicroversionPolicy = {
  serviceType: 'volume',
  min: [3, 0],
  max: [3, 60],
  malformedMessage: (v) =>
    `API Version String ${v} is of invalid format. Must be of format MajorNum.MinorNum.`,
};

/** An API added at microversion `min` (attachments 3.27, resource filters 3.33): older requests get Cinder's plain 404. */
export function since(v: Microversion | undefined, min: Microversion): void {
  if (!atLeast(v, min))
    throw new NotFoundError('volume.version.not_found', 'The resource could not be found.');
}

const v3 = (rootUrl: string) => ({
  id: 'v3.0',
  status: 'CURRENT',
  version: formatMicroversion(volumeMicroversions.max),
  min_version: formatMicroversion(volumeMicroversions.min),
  updated: '2023-08-31T00:00:00Z',
  links: [
    { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
    { rel: 'self', href: `${rootUrl}/v3/` },
  ],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
});

export const volumeVersionRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: '/',
    auth: 'none',
    successStatus: 300,
    response: volumeVersionListResponse,
    expectedErrors: [],
    handler: async (ctx) => respond({ versions: [v3(ctx.serviceUrl)] }, { status: 300 }),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: '/v3',
    auth: 'none',
    successStatus: 200,
    response: volumeVersionListResponse,
    expectedErrors: [],
    handler: async (ctx) => ({ versions: [v3(ctx.serviceUrl)] }),
  }),
];
