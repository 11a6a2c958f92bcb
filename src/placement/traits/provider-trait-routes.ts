import { route } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { placementReply, versionedBody } from '../placement-http.js';
import { since } from '../placement-version.js';
import { providerTraitsBody } from './trait-schemas.js';
import type { ProviderTraits } from './trait-service.js';
import * as service from './trait-service.js';

const body = versionedBody([[6, providerTraitsBody]]);
const uuid = (ctx: { params: Readonly<Record<string, string>> }) => ctx.params['uuid']!;
const view = (t: ProviderTraits) => ({ traits: t.traits, resource_provider_generation: t.generation });

export const providerTraitRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers/:uuid/traits',
    policy: 'placement:resource_providers:traits:list',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 6);
      return placementReply(ctx, view(await service.getProviderTraits(deps, uuid(ctx))));
    },
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/resource_providers/:uuid/traits',
    policy: 'placement:resource_providers:traits:update',
    successStatus: 200,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 6);
      const b = body<{ traits: string[]; resource_provider_generation: number }>(ctx);
      const set = await service.setProviderTraits(deps, uuid(ctx), b.resource_provider_generation, b.traits);
      return placementReply(ctx, view(set));
    },
  }),
  route<PlacementDeps>({
    method: 'DELETE',
    url: '/resource_providers/:uuid/traits',
    policy: 'placement:resource_providers:traits:delete',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 6);
      await service.setProviderTraits(deps, uuid(ctx), undefined, []);
    },
  }),
];
