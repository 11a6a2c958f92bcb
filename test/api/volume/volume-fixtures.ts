import type { TestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';

export interface VolumeRequestOptions {
  token?: string;
  version?: string;
  payload?: object;
}

/**
 * A request to the Block Storage API under the personas' project, as the member unless a
 * token is given, at microversion 3.60 unless another is. The cloud and personas are read
 * at call time (suites make them in beforeAll).
 */
export function volumeRequester(cloud: () => TestCloud, personas: () => Personas) {
  return (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: VolumeRequestOptions = {}) =>
    cloud().request({
      method,
      url: `/volume/v3/${personas().projectId}${path}`,
      headers: {
        'x-auth-token': opts.token ?? personas().member,
        'openstack-api-version': `volume ${opts.version ?? '3.60'}`,
      },
      ...(opts.payload !== undefined && { payload: opts.payload }),
    });
}
