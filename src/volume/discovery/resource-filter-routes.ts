import Type from 'typebox';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { str, strict } from '../../common/http/response-schemas.js';
import type { VolumeDeps } from '../volume-deps.js';
import { one } from '../volumes/volume-list-query.js';
import { since } from './volume-version.js';

/**
 * The list filters each resource's list handler applies (Cinder reads its
 * resource_filters.json; Strata names only what its handlers match on, so a client that
 * asks learns what narrows a list here). Pagination, sorting and all_tenants are not filters.
 */
export const volumeResourceFilters: Readonly<Record<string, ReadonlyArray<string>>> = {
  volume: ['name', 'status', 'metadata', 'created_at', 'updated_at'],
  snapshot: ['name', 'status', 'volume_id', 'metadata'],
  backup: ['name', 'status', 'volume_id'],
  attachment: ['volume_id', 'instance_id', 'status', 'attach_status'],
  volume_type: ['is_public'],
};

const resourceFiltersResponse = strict({
  resource_filters: Type.Array(strict({ resource: str, filters: Type.Array(str) })),
});

/** `?resource=` picks one resource; an unknown one lists nothing, as Cinder answers. */
function filtersOf(ctx: RequestContext) {
  const resource = one(ctx.query['resource']);
  const entries = Object.entries(volumeResourceFilters).filter(
    ([r]) => resource === undefined || r === resource,
  );
  return entries.map(([r, filters]) => ({ resource: r, filters: [...filters] }));
}

/** GET /v3/{project_id}/resource_filters (3.33): Cinder checks no policy beyond a token. */
export const resourceFilterRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: '/v3/:project_id/resource_filters',
    successStatus: 200,
    response: resourceFiltersResponse,
    expectedErrors: [404],
    handler: async (ctx) => {
      since(ctx.microversion, [3, 33]);
      return { resource_filters: filtersOf(ctx) };
    },
  }),
];
