import Type from 'typebox';
import { InputError, NotFoundError } from '../../common/errors.js';
import { respond } from '../../common/http/http-response.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, serverTarget } from './server-caller.js';
import { serverTag } from './server-schemas.js';
import { findServer } from './server-service.js';
import { maxTags, setServerTag, setServerTags, unsetServerTag } from './server-tags.js';
import { noBody } from '../../common/http/route-spec.js';
import { tagsResponse } from './server-item-response-schemas.js';

const tagsBody = Type.Object(
  { tags: Type.Array(serverTag, { description: `The server's tags (at most ${maxTags}).` }) },
  { additionalProperties: false },
);
const url = '/v2.1/servers/:server_id/tags';

/** The tag routes exist from 2.26; below it Nova has no such method (404). */
function since226(ctx: RequestContext): void {
  if (!atLeast(ctx.microversion, [2, 26]))
    throw new NotFoundError('compute.server_tags.version', 'The resource could not be found.');
}

const server = (ctx: RequestContext, deps: ComputeDeps) => {
  since226(ctx);
  return findServer(deps, callerOf(ctx), ctx.params['server_id']!);
};

/** The single-tag routes take the tag from the URL, checked as Nova checks it. */
function pathTag(ctx: RequestContext): string {
  const t = ctx.params['tag']!;
  if (t.length === 0 || t.length > 60 || /[,/]/.test(t))
    throw new InputError(
      'compute.server_tags.invalid',
      `Tag '${t}' is invalid. It must be a non empty string without characters '/' and ','.`,
    );
  return t;
}

/** Nova's server tags API (2.26): read by readers, changed by members. */
export const serverTagRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url,
    policy: 'os_compute_api:os-server-tags:index',
    target: serverTarget,
    successStatus: 200,
    response: tagsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({ tags: (await server(ctx, deps)).tags }),
  }),
  route<ComputeDeps, typeof tagsBody>({
    method: 'PUT',
    url,
    policy: 'os_compute_api:os-server-tags:update_all',
    target: serverTarget,
    body: tagsBody,
    successStatus: 200,
    response: tagsResponse,
    expectedErrors: [400, 404, 409],
    handler: async (ctx, deps) => ({
      tags: await setServerTags(deps, await server(ctx, deps), ctx.body.tags),
    }),
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url,
    policy: 'os_compute_api:os-server-tags:delete_all',
    target: serverTarget,
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      await setServerTags(deps, await server(ctx, deps), [], 'delete tags');
      return respond(undefined, { status: 204 });
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${url}/:tag`,
    policy: 'os_compute_api:os-server-tags:show',
    target: serverTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await server(ctx, deps);
      const t = ctx.params['tag']!;
      if (!s.tags.includes(t))
        throw new NotFoundError('compute.server_tags.not_found', `Server ${s.id} has no tag '${t}'`);
      return respond(undefined, { status: 204 });
    },
  }),
  route<ComputeDeps>({
    method: 'PUT',
    url: `${url}/:tag`,
    policy: 'os_compute_api:os-server-tags:update',
    target: serverTarget,
    successStatus: 201,
    response: noBody,
    expectedErrors: [400, 404, 409],
    handler: async (ctx, deps) => {
      const s = await server(ctx, deps);
      const t = pathTag(ctx);
      const added = await setServerTag(deps, s, t);
      // Nova answers 201 with the tag's URL when it was added, 204 when it was already there.
      return added
        ? respond(undefined, { status: 201, headers: { location: ctx.url } })
        : respond(undefined, { status: 204 });
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: `${url}/:tag`,
    policy: 'os_compute_api:os-server-tags:delete',
    target: serverTarget,
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      await unsetServerTag(deps, await server(ctx, deps), ctx.params['tag']!);
      return respond(undefined, { status: 204 });
    },
  }),
];
