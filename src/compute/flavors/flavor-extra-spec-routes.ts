import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { flavorCaller } from './flavor-caller.js';
import { extraSpecUpdateBody, extraSpecsCreateBody } from './flavor-schemas.js';
import * as service from './flavor-extra-spec-service.js';
import { noBody } from '../../common/http/route-spec.js';
import {
  extraSpecResponse,
  extraSpecSetResponse,
  extraSpecsResponse,
  extraSpecsSetResponse,
} from './flavor-response-schemas.js';

const base = '/v2.1/flavors/:flavor_id/os-extra_specs';

// Nova's read rules check the caller's own project; the flavor's visibility is checked after.
const ownProject = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId });

/** Nova's extra-spec calls answer 200 and echo the request body on writes. */
export const flavorExtraSpecRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: base,
    policy: 'os_compute_api:os-flavor-extra-specs:index',
    target: ownProject,
    successStatus: 200,
    response: extraSpecsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      extra_specs: await service.listExtraSpecs(deps, flavorCaller(ctx), ctx.params['flavor_id']!),
    }),
  }),
  route<ComputeDeps, typeof extraSpecsCreateBody>({
    method: 'POST',
    url: base,
    policy: 'os_compute_api:os-flavor-extra-specs:create',
    body: extraSpecsCreateBody,
    successStatus: 200,
    response: extraSpecsSetResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      await service.mergeExtraSpecs(deps, ctx.params['flavor_id']!, ctx.body.extra_specs);
      return ctx.body;
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/:key`,
    policy: 'os_compute_api:os-flavor-extra-specs:show',
    target: ownProject,
    successStatus: 200,
    response: extraSpecResponse,
    expectedErrors: [404],
    handler: (ctx, deps) =>
      service.showExtraSpec(deps, flavorCaller(ctx), ctx.params['flavor_id']!, ctx.params['key']!),
  }),
  route<ComputeDeps, typeof extraSpecUpdateBody>({
    method: 'PUT',
    url: `${base}/:key`,
    policy: 'os_compute_api:os-flavor-extra-specs:update',
    body: extraSpecUpdateBody,
    successStatus: 200,
    response: extraSpecSetResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      await service.updateExtraSpec(deps, ctx.params['flavor_id']!, ctx.params['key']!, ctx.body);
      return ctx.body;
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: `${base}/:key`,
    policy: 'os_compute_api:os-flavor-extra-specs:delete',
    successStatus: 200,
    response: noBody,
    expectedErrors: [404],
    handler: (ctx, deps) => service.deleteExtraSpec(deps, ctx.params['flavor_id']!, ctx.params['key']!),
  }),
];
