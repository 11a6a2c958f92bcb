import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { usageListQuery, usageShowQuery } from './usage-schemas.js';
import { listUsages, showUsage, usagePage } from './usage-service.js';
import { atLeast } from '../../common/http/microversion.js';
import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import { apiMaxLimit } from '../compute-paging.js';

/** 2.40: limit and marker page the servers a report covers. */
const pagedFrom = [2, 40] as const;
import { tenantUsageShowView, tenantUsagesView } from './usage-view.js';
import { usageListResponse, usageShowResponse } from './usage-response-schemas.js';

const base = '/v2.1/os-simple-tenant-usage';

/**
 * os-simple-tenant-usage; from 2.40 pages of servers (limit, marker, next link). As in Nova the
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
    response: usageListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      if (!atLeast(ctx.microversion, pagedFrom)) return tenantUsagesView(await listUsages(deps, ctx.query));
      const pageReq = parsePageRequest(ctx.query, apiMaxLimit);
      const page = await usagePage(deps, ctx.query, pageReq);
      const links = nextPageLinks(ctx.url, ctx.query, pageReq, page.servers);
      return { ...tenantUsagesView(page.usages), ...(links.length > 0 && { tenant_usages_links: links }) };
    },
  }),
  route<ComputeDeps, undefined, typeof usageShowQuery>({
    method: 'GET',
    url: `${base}/:tenant_id`,
    policy: 'os_compute_api:os-simple-tenant-usage:show',
    target: (ctx) => ({ project_id: ctx.params['tenant_id']! }),
    query: usageShowQuery,
    successStatus: 200,
    response: usageShowResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const projectId = ctx.params['tenant_id']!;
      if (!atLeast(ctx.microversion, pagedFrom))
        return tenantUsageShowView(await showUsage(deps, projectId, ctx.query));
      const pageReq = parsePageRequest(ctx.query, apiMaxLimit);
      const page = await usagePage(deps, ctx.query, pageReq, projectId);
      const links = nextPageLinks(ctx.url, ctx.query, pageReq, page.servers);
      return {
        ...tenantUsageShowView(page.usages[0]),
        ...(links.length > 0 && { tenant_usage_links: links }),
      };
    },
  }),
];
