import { route } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest } from '../placement-errors.js';
import { checkQueryKeys, placementReply, single } from '../placement-http.js';
import { atLeast, since } from '../placement-version.js';
import * as service from './usage-service.js';

export const usageRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/resource_providers/:uuid/usages',
    policy: 'placement:resource_providers:usages',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const u = await service.getProviderUsages(deps, ctx.params['uuid']!);
      return placementReply(ctx, { usages: u.usages, resource_provider_generation: u.generation });
    },
  }),
  route<PlacementDeps>({
    method: 'GET',
    url: '/usages',
    policy: 'placement:usages',
    target: (ctx) => ({ project_id: ctx.query['project_id'], user_id: ctx.query['user_id'] }),
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 9);
      const q = ctx.query;
      checkQueryKeys(
        q,
        atLeast(ctx, 38) ? ['project_id', 'user_id', 'consumer_type'] : ['project_id', 'user_id'],
      );
      const projectId = single(q, 'project_id');
      if (projectId === undefined)
        throw badRequest(`Invalid query string parameters: 'project_id' is a required property`);
      const userId = single(q, 'user_id');
      const consumerType = single(q, 'consumer_type');
      if (consumerType !== undefined && !/^([A-Z0-9_]+|all|unknown)$/.test(consumerType)) {
        throw badRequest(
          `Invalid query string parameters: '${consumerType}' does not match '^[A-Z0-9_]+$|^all|^unknown$'`,
        );
      }
      const f = {
        projectId,
        ...(userId !== undefined && { userId }),
        ...(consumerType !== undefined && { consumerType }),
      };
      const usages = atLeast(ctx, 38)
        ? await service.usagesByType(deps, f)
        : await service.totalUsages(deps, f);
      return placementReply(ctx, { usages });
    },
  }),
];
