import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { usageListQuery, usageShowQuery } from './usage-schemas.js';
import { listUsages, showUsage } from './usage-service.js';
import { tenantUsageShowView, tenantUsagesView } from './usage-view.js';

const base = '/v2.1/os-simple-tenant-usage';

/**
 * os-simple-tenant-usage, microversions 2.1 to 2.39 (no limit/marker). As in Nova the
 * policy is checked before the dates are read, so a refused caller learns nothing of them.
 */
export const usageRoutes = [
  route<ComputeDeps, undefined, typeof usageListQuery>({
    method: 'GET',
    url: base,
    policy: 'os_compute_api:os-simple-tenant-usage:list',
    target: () => ({}),
    query: usageListQuery,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => tenantUsagesView(await listUsages(deps, ctx.query)),
  }),
  route<ComputeDeps, undefined, typeof usageShowQuery>({
    method: 'GET',
    url: `${base}/:tenant_id`,
    policy: 'os_compute_api:os-simple-tenant-usage:show',
    target: (ctx) => ({ project_id: ctx.params['tenant_id']! }),
    query: usageShowQuery,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      tenantUsageShowView(await showUsage(deps, ctx.params['tenant_id']!, ctx.query)),
  }),
];
