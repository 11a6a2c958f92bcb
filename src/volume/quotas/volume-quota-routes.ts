import { Type } from 'typebox';
import { respond } from '../../common/http/http-response.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import {
  quotaLimits,
  quotaUsages,
  resetQuotas,
  updateQuotas,
  volumeQuotaDefaults,
} from './volume-quota-service.js';
import {
  quotaSetDefaultsResponse,
  quotaSetDeleteResponse,
  quotaSetShowResponse,
  quotaSetUpdateResponse,
} from './volume-quota-response-schemas.js';

const url = '/v3/:project_id/os-quota-sets/:target_id';
const target = (ctx: RequestContext) => ({ project_id: ctx.params['target_id'] });

const updateBody = Type.Object(
  {
    quota_set: Type.Record(Type.String(), Type.Unknown(), {
      minProperties: 1,
      description: 'Limits by resource name; -1 is unlimited.',
    }),
  },
  { additionalProperties: false },
);

const usageWanted = (q: Readonly<Record<string, unknown>>) =>
  ['1', 'true', 'True', 'yes', 'on'].includes(String(q['usage'] ?? ''));

/** Cinder's os-quota-sets: show (with ?usage=true), defaults, update and delete (admins). */
export const volumeQuotaRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url,
    policy: 'volume_extension:quotas:show',
    target,
    successStatus: 200,
    response: quotaSetShowResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const id = ctx.params['target_id']!;
      const set = usageWanted(ctx.query) ? await quotaUsages(deps, id) : await quotaLimits(deps, id);
      return { quota_set: { ...set, id } };
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${url}/defaults`,
    policy: 'volume_extension:quotas:show',
    target,
    successStatus: 200,
    response: quotaSetDefaultsResponse,
    expectedErrors: [],
    handler: async (ctx) => ({ quota_set: { ...volumeQuotaDefaults, id: ctx.params['target_id']! } }),
  }),
  route<VolumeDeps, typeof updateBody>({
    method: 'PUT',
    url,
    policy: 'volume_extension:quotas:update',
    target,
    body: updateBody,
    successStatus: 200,
    response: quotaSetUpdateResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      quota_set: await updateQuotas(deps, ctx.params['target_id']!, ctx.body.quota_set),
    }),
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url,
    policy: 'volume_extension:quotas:delete',
    target,
    successStatus: 200,
    response: quotaSetDeleteResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      await resetQuotas(deps, ctx.params['target_id']!);
      return respond(undefined, { status: 200 });
    },
  }),
];
