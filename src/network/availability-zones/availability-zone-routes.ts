import { route } from '../../common/http/route-spec.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { httpBadRequest } from '../network-errors.js';
import { availabilityZoneListResponse } from './availability-zone-response-schemas.js';

/**
 * Strata's network service has one zone, `nova` (Neutron's default_availability_zones),
 * serving networks and routers; `openstack availability zone list` reads it.
 */
export const defaultZone = 'nova';

const zones = ['network', 'router'].map((resource) => ({ name: defaultZone, resource, state: 'available' }));

export const availabilityZoneRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/availability_zones',
    policy: 'get_availability_zone',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: availabilityZoneListResponse,
    expectedErrors: [],
    handler: async (ctx) => {
      const q = parseListQuery(ctx.query);
      const { items } = applyList(zones, q, {
        url: ctx.url,
        query: ctx.query,
        sortable: new Set(['name', 'resource', 'state']),
        markerMissing: () => httpBadRequest('Pagination is not supported for availability zones'),
      });
      return { availability_zones: items.map((z) => pickFields(z, q.fields)) };
    },
  }),
];
