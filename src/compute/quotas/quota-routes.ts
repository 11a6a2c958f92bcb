import { defaultQuotaLimits } from './quota-enforcement.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { limitsQuery, quotaQuery, quotaUpdateBody } from './quota-schemas.js';
import * as service from './quota-service.js';
import {
  limitsView,
  networkQuotas,
  quotaDetailView,
  quotaSetView,
  withoutNetworkQuotas,
  injectionQuotas,
  withoutInjectionQuotas,
} from './quota-view.js';
import { rejectFieldsFrom } from '../../common/http/microversion.js';
import { noBody } from '../../common/http/route-spec.js';
import { limitsResponse, quotaDetailResponse, quotaSetResponse } from './quota-response-schemas.js';

const base = '/v2.1/os-quota-sets/:project_id';

/**
 * os-quota-sets and limits. Like Nova, quotas of a project that does not exist read as
 * the defaults; Strata does not ask identity whether the project exists.
 */
export const quotaRoutes = [
  route<ComputeDeps, undefined, typeof quotaQuery>({
    method: 'GET',
    url: base,
    policy: 'os_compute_api:os-quota-sets:show',
    query: quotaQuery,
    successStatus: 200,
    response: quotaSetResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const id = ctx.params['project_id']!;
      return quotaSetView(await service.projectQuotas(deps, id), ctx.microversion, id);
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/defaults`,
    policy: 'os_compute_api:os-quota-sets:defaults',
    successStatus: 200,
    response: quotaSetResponse,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      quotaSetView(
        await defaultQuotaLimits(deps.store.db, service.quotaDefaults(deps)),
        ctx.microversion,
        ctx.params['project_id']!,
      ),
  }),
  route<ComputeDeps, undefined, typeof quotaQuery>({
    method: 'GET',
    url: `${base}/detail`,
    policy: 'os_compute_api:os-quota-sets:detail',
    query: quotaQuery,
    successStatus: 200,
    response: quotaDetailResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const id = ctx.params['project_id']!;
      const [limits, usage] = [await service.projectQuotas(deps, id), await service.projectUsage(deps, id)];
      return quotaDetailView(id, limits, usage, ctx.microversion);
    },
  }),
  route<ComputeDeps, typeof quotaUpdateBody, typeof quotaQuery>({
    method: 'PUT',
    url: base,
    policy: 'os_compute_api:os-quota-sets:update',
    body: quotaUpdateBody,
    query: quotaQuery,
    successStatus: 200,
    response: quotaSetResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      service.refuseUserQuotas(ctx.query.user_id);
      const fields = [...networkQuotas, 'networks'];
      rejectFieldsFrom(ctx.microversion, withoutNetworkQuotas, 'quota_set', ctx.body.quota_set, fields);
      rejectFieldsFrom(ctx.microversion, withoutInjectionQuotas, 'quota_set', ctx.body.quota_set, [
        ...injectionQuotas,
      ]);
      const limits = await service.updateQuotas(deps, ctx.params['project_id']!, ctx.body.quota_set);
      return quotaSetView(limits, ctx.microversion);
    },
  }),
  route<ComputeDeps, undefined, typeof quotaQuery>({
    method: 'DELETE',
    url: base,
    policy: 'os_compute_api:os-quota-sets:delete',
    query: quotaQuery,
    successStatus: 202,
    response: noBody,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      service.refuseUserQuotas(ctx.query.user_id);
      await service.deleteQuotas(deps, ctx.params['project_id']!);
    },
  }),
  route<ComputeDeps, undefined, typeof limitsQuery>({
    method: 'GET',
    url: '/v2.1/limits',
    policy: 'os_compute_api:limits',
    target: () => ({}),
    query: limitsQuery,
    successStatus: 200,
    response: limitsResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const other = ctx.query.tenant_id;
      if (other !== undefined) ctx.authorize('os_compute_api:limits:other_project', { project_id: other });
      const projectId = other ?? ctx.auth.projectId ?? '';
      return limitsView(
        await service.projectQuotas(deps, projectId),
        await service.projectUsage(deps, projectId),
        ctx.microversion,
      );
    },
  }),
];
