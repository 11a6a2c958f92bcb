import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { regionCreateBody, regionUpdateBody } from './region-schemas.js';
import * as service from './region-service.js';
import { regionListView, regionView } from './region-view.js';
import { regionListResponse, regionResponse } from './catalog-response-schemas.js';

const listQuery = Type.Object(
  { parent_region_id: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const regionId = (ctx: RequestContext) => ctx.params['region_id']!;

export const regionRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/regions',
    policy: 'identity:list_regions',
    query: listQuery,
    successStatus: 200,
    response: regionListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const parent = ctx.query.parent_region_id;
      const regions = await service.listRegions(deps, {
        ...(parent !== undefined && { parentRegionId: parent }),
      });
      return regionListView(regions, ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof regionCreateBody>({
    method: 'POST',
    url: '/v3/regions',
    policy: 'identity:create_region',
    body: regionCreateBody,
    successStatus: 201,
    response: regionResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      respond(
        { region: regionView(await service.createRegion(deps, ctx.body.region), ctx.serviceUrl) },
        { status: 201 },
      ),
  }),
  route<IdentityDeps, typeof regionCreateBody>({
    method: 'PUT',
    url: '/v3/regions/:region_id',
    policy: 'identity:create_region',
    body: regionCreateBody,
    successStatus: 201,
    response: regionResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      respond(
        {
          region: regionView(
            await service.createRegion(deps, ctx.body.region, regionId(ctx)),
            ctx.serviceUrl,
          ),
        },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/regions/:region_id',
    policy: 'identity:get_region',
    successStatus: 200,
    response: regionResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      region: regionView(await service.findRegion(deps, regionId(ctx)), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof regionUpdateBody>({
    method: 'PATCH',
    url: '/v3/regions/:region_id',
    policy: 'identity:update_region',
    body: regionUpdateBody,
    successStatus: 200,
    response: regionResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      region: regionView(await service.updateRegion(deps, regionId(ctx), ctx.body.region), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/regions/:region_id',
    policy: 'identity:delete_region',
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteRegion(deps, regionId(ctx)),
  }),
];
