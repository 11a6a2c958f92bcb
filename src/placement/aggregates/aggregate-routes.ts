import Type from 'typebox';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { placementReply, versionedBody } from '../placement-http.js';
import { atLeast, since } from '../placement-version.js';
import type { ProviderAggregates } from './aggregate-service.js';
import * as service from './aggregate-service.js';

const aggregateList = Type.Array(Type.String({ format: 'uuid', description: 'An aggregate UUID.' }), {
  uniqueItems: true,
  description: 'Every aggregate the provider belongs to, replacing the current set.',
});
const body = versionedBody([
  [1, aggregateList],
  [
    19,
    Type.Object(
      {
        aggregates: aggregateList,
        resource_provider_generation: Type.Integer({
          description: 'The provider generation the caller saw.',
        }),
      },
      { additionalProperties: false, description: 'Aggregates with the provider generation (1.19+).' },
    ),
  ],
]);

const uuid = (ctx: { params: Readonly<Record<string, string>> }) => ctx.params['uuid']!;
const view = (ctx: RequestContext, a: ProviderAggregates) => ({
  aggregates: a.aggregates,
  ...(atLeast(ctx, 19) && { resource_provider_generation: a.generation }),
});

export const aggregateRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers/:uuid/aggregates',
    policy: 'placement:resource_providers:aggregates:list',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 1);
      return placementReply(ctx, view(ctx, await service.getProviderAggregates(deps, uuid(ctx))));
    },
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/resource_providers/:uuid/aggregates',
    policy: 'placement:resource_providers:aggregates:update',
    successStatus: 200,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 1);
      const b = body<string[] | { aggregates: string[]; resource_provider_generation: number }>(ctx);
      const [aggs, gen] = Array.isArray(b) ? [b, undefined] : [b.aggregates, b.resource_provider_generation];
      return placementReply(ctx, view(ctx, await service.setProviderAggregates(deps, uuid(ctx), gen, aggs)));
    },
  }),
];
