import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { endpointCreateBody, endpointUpdateBody } from './endpoint-schemas.js';
import * as service from './endpoint-service.js';
import { endpointListView, endpointView } from './endpoint-view.js';
import { endpointListResponse, endpointResponse } from './catalog-response-schemas.js';

const listQuery = Type.Object(
  {
    interface: Type.Optional(Type.String()),
    service_id: Type.Optional(Type.String()),
    region_id: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
const endpointId = (ctx: RequestContext) => ctx.params['endpoint_id']!;

export const endpointRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/endpoints',
    policy: 'identity:list_endpoints',
    query: listQuery,
    successStatus: 200,
    response: endpointListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const q = ctx.query;
      const endpoints = await service.listEndpoints(deps, {
        ...(q.interface !== undefined && { interface: q.interface }),
        ...(q.service_id !== undefined && { serviceId: q.service_id }),
        ...(q.region_id !== undefined && { regionId: q.region_id }),
      });
      return endpointListView(endpoints, ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof endpointCreateBody>({
    method: 'POST',
    url: '/v3/endpoints',
    policy: 'identity:create_endpoint',
    body: endpointCreateBody,
    successStatus: 201,
    response: endpointResponse,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      respond(
        { endpoint: endpointView(await service.createEndpoint(deps, ctx.body.endpoint), ctx.serviceUrl) },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/endpoints/:endpoint_id',
    policy: 'identity:get_endpoint',
    successStatus: 200,
    response: endpointResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      endpoint: endpointView(await service.findEndpoint(deps, endpointId(ctx)), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof endpointUpdateBody>({
    method: 'PATCH',
    url: '/v3/endpoints/:endpoint_id',
    policy: 'identity:update_endpoint',
    body: endpointUpdateBody,
    successStatus: 200,
    response: endpointResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      endpoint: endpointView(
        await service.updateEndpoint(deps, endpointId(ctx), ctx.body.endpoint),
        ctx.serviceUrl,
      ),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/endpoints/:endpoint_id',
    policy: 'identity:delete_endpoint',
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteEndpoint(deps, endpointId(ctx)),
  }),
];
