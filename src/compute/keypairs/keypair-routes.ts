import { nextPageLinks, pageAfter, parsePageRequest } from '../../common/http/pagination.js';
import { apiMaxLimit, keypairMarkerNotFound } from '../compute-paging.js';
import { respond } from '../../common/http/http-response.js';
import { atLeast, rejectFieldsBefore } from '../../common/http/microversion.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { keypairCreateBody } from './keypair-schemas.js';
import * as service from './keypair-service.js';
import { keypairCreateView, keypairListView, keypairView } from './keypair-view.js';
import { noBody } from '../../common/http/route-spec.js';
import {
  keypairCreateResponse,
  keypairListResponse,
  keypairShowResponse,
} from './keypair-response-schemas.js';

/**
 * Whose key pairs a call acts on: the caller's, or from 2.10 the `user_id` an admin names
 * (the policy, admin or owner, refuses anyone else with 403).
 */
function keypairUser(ctx: RequestContext): string {
  const body = (ctx.body as { keypair?: { user_id?: unknown } } | undefined)?.keypair;
  const asked = body?.user_id ?? ctx.query['user_id'];
  return atLeast(ctx.microversion, [2, 10]) && typeof asked === 'string' ? asked : ctx.auth.userId;
}
const owner = (ctx: RequestContext) => ({ user_id: keypairUser(ctx) });

/** From 2.2 a create answers 201 and a delete 204 (200 and 202 before). */
const since22 = (ctx: RequestContext) => atLeast(ctx.microversion, [2, 2]);

export const keypairRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-keypairs',
    policy: 'os_compute_api:os-keypairs:index',
    target: owner,
    successStatus: 200,
    response: keypairListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const all = await service.listKeypairs(deps, keypairUser(ctx));
      if (!atLeast(ctx.microversion, [2, 35])) return keypairListView(all, ctx.microversion);
      // 2.35: limit and marker (a key pair name), in name order.
      const page = parsePageRequest(ctx.query, apiMaxLimit);
      const shown = pageAfter(all, page, (k) => k.name, keypairMarkerNotFound);
      const links = nextPageLinks(
        ctx.url,
        ctx.query,
        page,
        shown.map((k) => ({ id: k.name })),
      );
      return {
        ...keypairListView(shown, ctx.microversion),
        ...(links.length > 0 && { keypairs_links: links }),
      };
    },
  }),
  route<ComputeDeps, typeof keypairCreateBody>({
    method: 'POST',
    url: '/v2.1/os-keypairs',
    policy: 'os_compute_api:os-keypairs:create',
    target: owner,
    body: keypairCreateBody,
    successStatus: 200,
    response: keypairCreateResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      const k = ctx.body.keypair;
      rejectFieldsBefore(ctx.microversion, [2, 2], 'keypair', k, ['type']);
      rejectFieldsBefore(ctx.microversion, [2, 10], 'keypair', k, ['user_id']);
      const created = await service.createKeypair(
        deps,
        { userId: keypairUser(ctx), projectId: ctx.auth.projectId },
        k.name,
        k.public_key,
        k.type,
      );
      const view = keypairCreateView(created.keypair, ctx.microversion, created.privateKey);
      return respond(view, { status: since22(ctx) ? 201 : 200 });
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-keypairs/:keypair_name',
    policy: 'os_compute_api:os-keypairs:show',
    target: owner,
    successStatus: 200,
    response: keypairShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      keypairView(
        await service.findKeypair(deps, keypairUser(ctx), ctx.params['keypair_name']!),
        ctx.microversion,
      ),
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: '/v2.1/os-keypairs/:keypair_name',
    policy: 'os_compute_api:os-keypairs:delete',
    target: owner,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await service.deleteKeypair(deps, keypairUser(ctx), ctx.params['keypair_name']!);
      return respond(undefined, { status: since22(ctx) ? 204 : 202 });
    },
  }),
];
