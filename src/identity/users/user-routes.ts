import { callerDomainTarget, inCallerDomain } from '../caller-domain.js';
import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { listUserProjects } from '../assignments/assignment-service.js';
import type { IdentityDeps } from '../identity-deps.js';
import { queryFlag } from '../identity-schemas.js';
import { projectListView } from '../projects/project-view.js';
import { passwordChangeBody, userCreateBody, userUpdateBody } from './user-schemas.js';
import * as service from './user-service.js';
import * as store from './user-store.js';
import { userListView, userView } from './user-view.js';
import { projectListResponse, userListResponse, userResponse } from '../identity-response-schemas.js';

const listQuery = Type.Object(
  {
    name: Type.Optional(Type.String()),
    domain_id: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const userTarget = async (ctx: RequestContext, deps: IdentityDeps) => {
  const u = await service.findUser(deps, ctx.params['user_id']!);
  return { user: { id: u.id, domain_id: u.domainId } };
};

export const userRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/users',
    policy: 'identity:list_users',
    query: listQuery,
    target: (ctx) => callerDomainTarget(ctx.auth),
    successStatus: 200,
    response: userListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const enabled = queryFlag(ctx.query.enabled);
      const users = await store.listUsers(deps.store.db, {
        ...(ctx.query.name !== undefined && { name: ctx.query.name }),
        ...(ctx.query.domain_id !== undefined && { domainId: ctx.query.domain_id }),
        ...(enabled !== undefined && { enabled }),
      });
      return userListView(inCallerDomain(ctx.auth, users), ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof userCreateBody>({
    method: 'POST',
    url: '/v3/users',
    policy: 'identity:create_user',
    body: userCreateBody,
    target: (ctx) => {
      const b = ctx.body as { user?: { domain_id?: unknown } };
      return { user: { domain_id: b.user?.domain_id ?? service.callerDomain(ctx.auth) } };
    },
    successStatus: 201,
    response: userResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      respond(
        { user: userView(await service.createUser(deps, ctx.auth, ctx.body.user), ctx.serviceUrl) },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/users/:user_id',
    policy: 'identity:get_user',
    target: userTarget,
    successStatus: 200,
    response: userResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      user: userView(await service.findUser(deps, ctx.params['user_id']!), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof userUpdateBody>({
    method: 'PATCH',
    url: '/v3/users/:user_id',
    policy: 'identity:update_user',
    target: userTarget,
    body: userUpdateBody,
    successStatus: 200,
    response: userResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => ({
      user: userView(await service.updateUser(deps, ctx.params['user_id']!, ctx.body.user), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/users/:user_id',
    policy: 'identity:delete_user',
    target: userTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteUser(deps, ctx.params['user_id']!),
  }),
  route<IdentityDeps, typeof passwordChangeBody>({
    method: 'POST',
    url: '/v3/users/:user_id/password',
    // Unauthenticated in Keystone too: the original password is the credential.
    auth: 'none',
    body: passwordChangeBody,
    successStatus: 204,
    // An unknown user is a 401 like a wrong password (Keystone), never a 404.
    expectedErrors: [],
    handler: async (ctx, deps) =>
      service.changePassword(
        deps,
        ctx.params['user_id']!,
        ctx.body.user.original_password,
        ctx.body.user.password,
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/users/:user_id/projects',
    policy: 'identity:list_user_projects',
    target: userTarget,
    successStatus: 200,
    response: projectListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      projectListView(await listUserProjects(deps, ctx.params['user_id']!), ctx.serviceUrl, ctx.url),
  }),
];
