import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { serviceEntryCreateBody, serviceEntryUpdateBody } from './service-entry-schemas.js';
import * as service from './service-entry-service.js';
import { serviceEntryListView, serviceEntryView } from './service-entry-view.js';
import { serviceListResponse, serviceResponse } from './catalog-response-schemas.js';

const listQuery = Type.Object(
  { type: Type.Optional(Type.String()), name: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const serviceId = (ctx: RequestContext) => ctx.params['service_id']!;

export const serviceEntryRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/services',
    policy: 'identity:list_services',
    query: listQuery,
    successStatus: 200,
    response: serviceListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const entries = await service.listServiceEntries(deps, {
        ...(ctx.query.type !== undefined && { type: ctx.query.type }),
        ...(ctx.query.name !== undefined && { name: ctx.query.name }),
      });
      return serviceEntryListView(entries, ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof serviceEntryCreateBody>({
    method: 'POST',
    url: '/v3/services',
    policy: 'identity:create_service',
    body: serviceEntryCreateBody,
    successStatus: 201,
    response: serviceResponse,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      respond(
        {
          service: serviceEntryView(await service.createServiceEntry(deps, ctx.body.service), ctx.serviceUrl),
        },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/services/:service_id',
    policy: 'identity:get_service',
    successStatus: 200,
    response: serviceResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      service: serviceEntryView(await service.findServiceEntry(deps, serviceId(ctx)), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof serviceEntryUpdateBody>({
    method: 'PATCH',
    url: '/v3/services/:service_id',
    policy: 'identity:update_service',
    body: serviceEntryUpdateBody,
    successStatus: 200,
    response: serviceResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      service: serviceEntryView(
        await service.updateServiceEntry(deps, serviceId(ctx), ctx.body.service),
        ctx.serviceUrl,
      ),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/services/:service_id',
    policy: 'identity:delete_service',
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteServiceEntry(deps, serviceId(ctx)),
  }),
];
