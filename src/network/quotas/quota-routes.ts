import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { httpBadRequest } from '../network-errors.js';
import { ForbiddenError } from '../../common/errors.js';
import * as service from './quota-service.js';
import * as store from './quota-store.js';
import {
  quotaDetailsResponse,
  quotaListResponse,
  quotaProjectResponse,
  quotaResponse,
} from './quota-response-schemas.js';

const idOf = (ctx: RequestContext) => ctx.params['project_id']!;

/** A project reads its own quota without a rule; another project's needs `get_quota` (Neutron's show). */
const ownOrAdmin = (ctx: RequestContext) => ({ project_id: idOf(ctx) });

export const quotaRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/quotas',
    policy: 'get_quota',
    target: () => ({}),
    successStatus: 200,
    response: quotaListResponse,
    expectedErrors: [],
    handler: async (_ctx, deps) => {
      const all = await store.projectsWithQuotas(deps.store.db);
      return { quotas: [...all].map(([id, limits]) => ({ ...limits, project_id: id, tenant_id: id })) };
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/quotas/project',
    policy: 'get_quota',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: quotaProjectResponse,
    expectedErrors: [],
    handler: async (ctx) => {
      if (ctx.auth.projectId === undefined) throw httpBadRequest('Tenant-id was missing from quota request.');
      return { project: { project_id: ctx.auth.projectId } };
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/quotas/:project_id',
    policy: 'get_quota',
    target: ownOrAdmin,
    successStatus: 200,
    response: quotaResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => ({ quota: await store.limitsOf(deps.store.db, idOf(ctx)) }),
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/quotas/:project_id/default',
    policy: 'get_quota',
    target: ownOrAdmin,
    successStatus: 200,
    response: quotaResponse,
    expectedErrors: [],
    handler: async () => ({ quota: { ...store.quotaDefaults } }),
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/quotas/:project_id/details',
    policy: 'get_quota',
    target: ownOrAdmin,
    successStatus: 200,
    response: quotaDetailsResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      if (idOf(ctx) !== ctx.auth.projectId && !callerOf(ctx).isAdmin)
        throw new ForbiddenError(
          'network.admin.required',
          'User does not have admin privileges: Only admin is authorized to access quotas for another project.',
        );
      return { quota: await service.detailsOf(deps.store.db, idOf(ctx)) };
    },
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/quotas/:project_id',
    policy: 'update_quota',
    target: ownOrAdmin,
    successStatus: 200,
    response: quotaResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      quota: await service.updateQuota(deps, callerOf(ctx), idOf(ctx), resourceBody(ctx.body, 'quota')),
    }),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/quotas/:project_id',
    policy: 'delete_quota',
    target: ownOrAdmin,
    successStatus: 204,
    expectedErrors: [],
    handler: async (ctx, deps) => store.resetLimits(deps.store.db, idOf(ctx)),
  }),
];
