import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest } from '../placement-errors.js';
import { placementReply, rootPath, versionedBody } from '../placement-http.js';
import { normalizeUuid } from '../placement-query.js';
import { atLeast } from '../placement-version.js';
import { listProviders } from './provider-list.js';
import type { ProviderBody } from './provider-schemas.js';
import {
  providerCreateBody,
  providerCreateBody114,
  providerUpdateBody,
  providerUpdateBody114,
} from './provider-schemas.js';
import * as service from './provider-service.js';
import { providerView } from './provider-view.js';

const createBody = versionedBody([
  [0, providerCreateBody],
  [14, providerCreateBody114],
]);
const updateBody = versionedBody([
  [0, providerUpdateBody],
  [14, providerUpdateBody114],
]);
const uuid = (ctx: RequestContext) => ctx.params['uuid']!;

function uuidOf(text: string | null | undefined): string | null | undefined {
  if (text === null || text === undefined) return text;
  const u = normalizeUuid(text);
  if (u === undefined) throw badRequest(`Malformed UUID: ${text}`);
  return u;
}

export const providerRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers',
    policy: 'placement:resource_providers:list',
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const providers = await listProviders(deps, ctx);
      return placementReply(ctx, {
        resource_providers: providers.map((p) => providerView(ctx, p, rootPath(ctx))),
      });
    },
  }),
  route<PlacementDeps>({
    method: 'POST',
    url: '/resource_providers',
    policy: 'placement:resource_providers:create',
    successStatus: 201,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      const b = createBody<ProviderBody>(ctx);
      const p = await service.createProvider(deps, {
        name: b.name,
        ...(b.uuid !== undefined && { uuid: uuidOf(b.uuid)! }),
        ...(b.parent_provider_uuid !== undefined && { parentUuid: uuidOf(b.parent_provider_uuid) }),
      });
      const location = `${ctx.serviceUrl}/resource_providers/${p.uuid}`;
      if (!atLeast(ctx, 20)) return placementReply(ctx, undefined, { status: 201, location });
      return placementReply(ctx, providerView(ctx, p, rootPath(ctx)), {
        status: 200,
        location,
        lastModified: p.updatedAt,
      });
    },
  }),
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers/:uuid',
    policy: 'placement:resource_providers:show',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const p = await service.findProvider(deps, uuid(ctx));
      return placementReply(ctx, providerView(ctx, p, rootPath(ctx)), { lastModified: p.updatedAt });
    },
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/resource_providers/:uuid',
    policy: 'placement:resource_providers:update',
    successStatus: 200,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      await service.findProvider(deps, uuid(ctx));
      const b = updateBody<ProviderBody>(ctx);
      const input = {
        name: b.name,
        ...(b.parent_provider_uuid !== undefined && { parentUuid: uuidOf(b.parent_provider_uuid) }),
      };
      const p = await service.updateProvider(deps, uuid(ctx), input, atLeast(ctx, 37));
      return placementReply(ctx, providerView(ctx, p, rootPath(ctx)), { lastModified: p.updatedAt });
    },
  }),
  route<PlacementDeps>({
    method: 'DELETE',
    url: '/resource_providers/:uuid',
    policy: 'placement:resource_providers:delete',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => service.deleteProvider(deps, uuid(ctx)),
  }),
];
