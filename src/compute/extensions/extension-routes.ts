import { NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { novaExtensions } from './extension-list.js';
import { extensionListResponse, extensionShowResponse } from './extension-response-schemas.js';

/** Nova's extension documents: all under one namespace and date, none with links. */
function extensionView([alias, name]: readonly [string, string]) {
  return {
    alias,
    description: `${name} (a Nova v2 extension; part of the v2.1 API).`,
    links: [],
    name,
    namespace: 'http://docs.openstack.org/compute/ext/fake_xml',
    updated: '2014-12-03T00:00:00Z',
  };
}

/** Any authenticated caller may read the list, as Nova's default policy says. */
export const extensionPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:extensions': '@',
};

/** GET /extensions and /extensions/{alias}: deprecated in Nova but still served, and still read. */
export const extensionRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/extensions',
    policy: 'os_compute_api:extensions',
    target: () => ({}),
    successStatus: 200,
    response: extensionListResponse,
    expectedErrors: [],
    handler: async () => ({ extensions: novaExtensions.map(extensionView) }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/extensions/:alias',
    policy: 'os_compute_api:extensions',
    target: () => ({}),
    successStatus: 200,
    response: extensionShowResponse,
    expectedErrors: [404],
    handler: async (ctx) => {
      const found = novaExtensions.find(([alias]) => alias === ctx.params['alias']);
      if (found === undefined)
        throw new NotFoundError('compute.extension.not_found', 'The resource could not be found.');
      return { extension: extensionView(found) };
    },
  }),
];
