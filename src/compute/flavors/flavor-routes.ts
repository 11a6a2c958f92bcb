import type { Static } from 'typebox';
import { NotFoundError } from '../../common/errors.js';
import { atLeast, rejectFieldsBefore } from '../../common/http/microversion.js';
import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { compileValidator } from '../../common/http/validation.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { flavorAccessRoutes } from './flavor-access-routes.js';
import { flavorCaller } from './flavor-caller.js';
import { flavorExtraSpecRoutes } from './flavor-extra-spec-routes.js';
import { flavorCreateBody, flavorListQuery, flavorUpdateBody } from './flavor-schemas.js';
import * as service from './flavor-service.js';
import { flavorBriefView, flavorListView, flavorView } from './flavor-view.js';
import { noBody } from '../../common/http/route-spec.js';
import { flavorDetailListResponse, flavorListResponse, flavorResponse } from './flavor-response-schemas.js';

const updateBody = compileValidator(flavorUpdateBody);

/** Nova's CONF.api.max_limit. */
const maxLimit = 1000;

async function listPage(
  ctx: RequestContext<unknown, Static<typeof flavorListQuery>>,
  deps: ComputeDeps,
  brief: boolean,
) {
  const q = ctx.query;
  const page = parsePageRequest(ctx.query, maxLimit);
  const flavors = await service.listFlavors(deps, flavorCaller(ctx), {
    ...(q.is_public !== undefined && { isPublic: q.is_public }),
    ...(q.minRam !== undefined && { minRam: q.minRam }),
    ...(q.minDisk !== undefined && { minDisk: q.minDisk }),
    ...(q.sort_key !== undefined && { sortKey: q.sort_key }),
    ...(q.sort_dir !== undefined && { sortDir: q.sort_dir }),
    limit: page.limit,
    ...(page.marker !== undefined && { marker: page.marker }),
  });
  const links = nextPageLinks(ctx.url, ctx.query, page, flavors);
  const view = brief ? flavorBriefView : flavorView;
  return flavorListView(
    flavors.map((f) => view(f, ctx.serviceUrl, ctx.microversion)),
    links,
  );
}

// Listing and showing have no policy rule in Nova: visibility filters what each caller sees.
const flavorCoreRoutes = [
  route<ComputeDeps, undefined, typeof flavorListQuery>({
    method: 'GET',
    url: '/v2.1/flavors',
    query: flavorListQuery,
    successStatus: 200,
    response: flavorListResponse,
    expectedErrors: [],
    handler: (ctx, deps) => listPage(ctx, deps, true),
  }),
  route<ComputeDeps, undefined, typeof flavorListQuery>({
    method: 'GET',
    url: '/v2.1/flavors/detail',
    query: flavorListQuery,
    successStatus: 200,
    response: flavorDetailListResponse,
    expectedErrors: [],
    handler: (ctx, deps) => listPage(ctx, deps, false),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/flavors/:flavor_id',
    successStatus: 200,
    response: flavorResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      flavor: flavorView(
        await service.findFlavor(deps, flavorCaller(ctx), ctx.params['flavor_id']!),
        ctx.serviceUrl,
        ctx.microversion,
      ),
    }),
  }),
  route<ComputeDeps, typeof flavorCreateBody>({
    method: 'POST',
    url: '/v2.1/flavors',
    policy: 'os_compute_api:os-flavor-manage:create',
    body: flavorCreateBody,
    successStatus: 200,
    response: flavorResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      rejectFieldsBefore(ctx.microversion, [2, 55], 'flavor', ctx.body.flavor, ['description']);
      const f = await service.createFlavor(deps, ctx.body.flavor);
      return { flavor: flavorView(f, ctx.serviceUrl, ctx.microversion) };
    },
  }),
  route<ComputeDeps>({
    method: 'PUT',
    url: '/v2.1/flavors/:flavor_id',
    // The version is checked before the rule and the body: below 2.55 the method does not exist.
    successStatus: 200,
    response: flavorResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      if (!atLeast(ctx.microversion, [2, 55]))
        throw new NotFoundError('compute.flavor.update_version', 'The resource could not be found.');
      ctx.authorize('os_compute_api:os-flavor-manage:update', {});
      const b = updateBody(ctx.body, 'body') as Static<typeof flavorUpdateBody>;
      const id = ctx.params['flavor_id']!;
      const f = await service.setFlavorDescription(deps, id, b.flavor.description);
      return { flavor: flavorView(f, ctx.serviceUrl, ctx.microversion) };
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: '/v2.1/flavors/:flavor_id',
    policy: 'os_compute_api:os-flavor-manage:delete',
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: (ctx, deps) => service.deleteFlavor(deps, ctx.params['flavor_id']!),
  }),
];

/** Flavors, their extra specs and their access lists. */
export const flavorRoutes: ReadonlyArray<RouteSpec<ComputeDeps>> = [
  ...flavorCoreRoutes,
  ...flavorExtraSpecRoutes,
  ...flavorAccessRoutes,
];
