import { callerDomainTarget, inCallerDomain } from '../caller-domain.js';
import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { queryFlag } from '../identity-schemas.js';
import { getUser } from '../users/user-store.js';
import { userListView } from '../users/user-view.js';
import { groupCreateBody, groupUpdateBody } from './group-schemas.js';
import * as service from './group-service.js';
import { groupListView, groupView, userGroupListView } from './group-view.js';
import {
  groupListResponse,
  groupResponse,
  userGroupListResponse,
  userListResponse,
} from '../identity-response-schemas.js';

const listQuery = Type.Object(
  { name: Type.Optional(Type.String()), domain_id: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const memberQuery = Type.Object(
  {
    name: Type.Optional(Type.String()),
    domain_id: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
const nameQuery = Type.Object({ name: Type.Optional(Type.String()) }, { additionalProperties: true });
const memberUrl = '/v3/groups/:group_id/users/:user_id';

const p = (ctx: RequestContext, name: string) => ctx.params[name]!;

const groupTarget = async (ctx: RequestContext, deps: IdentityDeps) => {
  const g = await service.findGroup(deps, p(ctx, 'group_id'));
  return { group: { id: g.id, domain_id: g.domainId } };
};

/** Keystone's target for membership calls: the group, plus the user when it exists. */
const membershipTarget = async (ctx: RequestContext, deps: IdentityDeps) => {
  const { group } = await groupTarget(ctx, deps);
  const u = await getUser(deps.store.db, p(ctx, 'user_id'));
  return { group, ...(u !== undefined && { user: { id: u.id, domain_id: u.domainId } }) };
};

const userTarget = async (ctx: RequestContext, deps: IdentityDeps) => {
  const u = await service.findMemberUser(deps, p(ctx, 'user_id'));
  return { user: { id: u.id, domain_id: u.domainId } };
};

export const groupRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/groups',
    policy: 'identity:list_groups',
    query: listQuery,
    target: (ctx) => callerDomainTarget(ctx.auth),
    successStatus: 200,
    response: groupListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const groups = await service.listGroups(deps, {
        ...(ctx.query.name !== undefined && { name: ctx.query.name }),
        ...(ctx.query.domain_id !== undefined && { domainId: ctx.query.domain_id }),
      });
      return groupListView(inCallerDomain(ctx.auth, groups), ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof groupCreateBody>({
    method: 'POST',
    url: '/v3/groups',
    policy: 'identity:create_group',
    body: groupCreateBody,
    target: (ctx) => {
      const b = ctx.body as { group?: { domain_id?: unknown } };
      return { group: { domain_id: b.group?.domain_id ?? service.defaultDomain(ctx.auth) } };
    },
    successStatus: 201,
    response: groupResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      respond(
        { group: groupView(await service.createGroup(deps, ctx.auth, ctx.body.group), ctx.serviceUrl) },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/groups/:group_id',
    policy: 'identity:get_group',
    target: groupTarget,
    successStatus: 200,
    response: groupResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      group: groupView(await service.findGroup(deps, p(ctx, 'group_id')), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof groupUpdateBody>({
    method: 'PATCH',
    url: '/v3/groups/:group_id',
    policy: 'identity:update_group',
    target: groupTarget,
    body: groupUpdateBody,
    successStatus: 200,
    response: groupResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => ({
      group: groupView(await service.updateGroup(deps, p(ctx, 'group_id'), ctx.body.group), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/groups/:group_id',
    policy: 'identity:delete_group',
    target: groupTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteGroup(deps, p(ctx, 'group_id')),
  }),
  route<IdentityDeps, undefined, typeof memberQuery>({
    method: 'GET',
    url: '/v3/groups/:group_id/users',
    policy: 'identity:list_users_in_group',
    query: memberQuery,
    target: groupTarget,
    successStatus: 200,
    response: userListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const enabled = queryFlag(ctx.query.enabled);
      const users = await service.listUsersInGroup(deps, p(ctx, 'group_id'), {
        ...(ctx.query.name !== undefined && { name: ctx.query.name }),
        ...(ctx.query.domain_id !== undefined && { domainId: ctx.query.domain_id }),
        ...(enabled !== undefined && { enabled }),
      });
      return userListView(inCallerDomain(ctx.auth, users), ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps>({
    method: 'PUT',
    url: memberUrl,
    policy: 'identity:add_user_to_group',
    target: membershipTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.addUserToGroup(deps, p(ctx, 'group_id'), p(ctx, 'user_id')),
  }),
  route<IdentityDeps>({
    method: 'HEAD',
    url: memberUrl,
    policy: 'identity:check_user_in_group',
    target: membershipTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.checkUserInGroup(deps, p(ctx, 'group_id'), p(ctx, 'user_id')),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: memberUrl,
    policy: 'identity:check_user_in_group',
    target: membershipTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.checkUserInGroup(deps, p(ctx, 'group_id'), p(ctx, 'user_id')),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: memberUrl,
    policy: 'identity:remove_user_from_group',
    target: membershipTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.removeUserFromGroup(deps, p(ctx, 'group_id'), p(ctx, 'user_id')),
  }),
  route<IdentityDeps, undefined, typeof nameQuery>({
    method: 'GET',
    url: '/v3/users/:user_id/groups',
    policy: 'identity:list_groups_for_user',
    query: nameQuery,
    target: userTarget,
    successStatus: 200,
    response: userGroupListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const groups = await service.listGroupsForUser(deps, p(ctx, 'user_id'), {
        ...(ctx.query.name !== undefined && { name: ctx.query.name }),
      });
      return userGroupListView(inCallerDomain(ctx.auth, groups), ctx.serviceUrl, ctx.url);
    },
  }),
];
