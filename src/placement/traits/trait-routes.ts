import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest, notFound } from '../placement-errors.js';
import { checkQueryKeys, placementReply, single } from '../placement-http.js';
import { since } from '../placement-version.js';
import type { TraitFilter } from './trait-service.js';
import * as service from './trait-service.js';

const name = (ctx: { params: Readonly<Record<string, string>> }) => ctx.params['name']!;

/** `?name=startswith:CUSTOM_` or `?name=in:A,B`, and `?associated=true|false`. */
function traitFilter(q: Readonly<Record<string, unknown>>): TraitFilter {
  checkQueryKeys(q, ['name', 'associated']);
  const nameQ = single(q, 'name');
  const associated = single(q, 'associated');
  if (associated !== undefined && associated !== 'true' && associated !== 'false') {
    throw badRequest('The query parameter "associated" only accepts "true" or "false"');
  }
  const f: { -readonly [K in keyof TraitFilter]: TraitFilter[K] } = {};
  if (associated !== undefined) f.associated = associated === 'true';
  if (nameQ === undefined) return f;
  if (nameQ.startsWith('startswith:')) f.startsWith = nameQ.slice('startswith:'.length);
  else if (nameQ.startsWith('in:')) f.names = nameQ.slice(3).split(',');
  else {
    throw badRequest(
      `Badly formatted name parameter. Expected name query string parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. Got: "${nameQ}"`,
    );
  }
  return f;
}

export const traitRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/traits',
    policy: 'placement:traits:list',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 6);
      return placementReply(ctx, { traits: await service.listTraits(deps, traitFilter(ctx.query)) });
    },
  }),
  route<PlacementDeps>({
    method: 'GET',
    url: '/traits/:name',
    policy: 'placement:traits:show',
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 6);
      if (!(await service.traitExists(deps, name(ctx)))) throw notFound(`No such trait(s): ${name(ctx)}`);
      return placementReply(ctx, undefined, { status: 204 });
    },
  }),
  route<PlacementDeps>({
    method: 'PUT',
    url: '/traits/:name',
    policy: 'placement:traits:update',
    successStatus: 201,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 6);
      const created = await service.ensureTrait(deps, name(ctx));
      return respond(undefined, {
        status: created ? 201 : 204,
        headers: { location: `${ctx.serviceUrl}/traits/${name(ctx)}` },
      });
    },
  }),
  route<PlacementDeps>({
    method: 'DELETE',
    url: '/traits/:name',
    policy: 'placement:traits:delete',
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      since(ctx, 6);
      await service.deleteTrait(deps, name(ctx));
    },
  }),
];
