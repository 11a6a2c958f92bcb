import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { roleCreateBody, roleUpdateBody } from './role-schemas.js';
import * as service from './role-service.js';
import * as store from './role-store.js';
import { inferenceView, roleListView, roleView } from './role-view.js';
import { roleListResponse, roleResponse } from '../identity-response-schemas.js';
import {
  priorRoleInferencesResponse,
  roleInferenceListResponse,
  roleInferenceResponse,
} from '../assignments/assignment-response-schemas.js';

const listQuery = Type.Object(
  { name: Type.Optional(Type.String()), domain_id: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const p = (ctx: { params: Readonly<Record<string, string>> }, k: string) => ctx.params[k]!;

const crudRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/roles',
    policy: 'identity:list_roles',
    query: listQuery,
    target: (ctx) => ({ domain_id: ctx.query['domain_id'] }),
    successStatus: 200,
    response: roleListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const roles = await store.listRoles(deps.store.db, {
        ...(ctx.query.name !== undefined && { name: ctx.query.name }),
        domainId: ctx.query.domain_id ?? null,
      });
      return roleListView(roles, ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof roleCreateBody>({
    method: 'POST',
    url: '/v3/roles',
    policy: 'identity:create_role',
    body: roleCreateBody,
    successStatus: 201,
    response: roleResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) =>
      respond(
        { role: roleView(await service.createRole(deps, ctx.body.role), ctx.serviceUrl) },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/roles/:role_id',
    policy: 'identity:get_role',
    successStatus: 200,
    response: roleResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      role: roleView(await service.findRole(deps, p(ctx, 'role_id')), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof roleUpdateBody>({
    method: 'PATCH',
    url: '/v3/roles/:role_id',
    policy: 'identity:update_role',
    body: roleUpdateBody,
    successStatus: 200,
    response: roleResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => ({
      role: roleView(await service.updateRole(deps, p(ctx, 'role_id'), ctx.body.role), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/roles/:role_id',
    policy: 'identity:delete_role',
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteRole(deps, p(ctx, 'role_id')),
  }),
];

const implyUrl = '/v3/roles/:prior_role_id/implies/:implied_role_id';
const inferenceRoutes = [
  route<IdentityDeps>({
    method: 'PUT',
    url: implyUrl,
    policy: 'identity:create_implied_role',
    successStatus: 201,
    response: roleInferenceResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const { prior, implied } = await service.addImplication(
        deps,
        p(ctx, 'prior_role_id'),
        p(ctx, 'implied_role_id'),
      );
      return respond(
        { role_inference: inferenceView(prior, implied, ctx.serviceUrl), links: { self: ctx.url } },
        { status: 201 },
      );
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: implyUrl,
    policy: 'identity:get_implied_role',
    successStatus: 200,
    response: roleInferenceResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const { prior, implied } = await service.checkImplication(
        deps,
        p(ctx, 'prior_role_id'),
        p(ctx, 'implied_role_id'),
      );
      return { role_inference: inferenceView(prior, implied, ctx.serviceUrl), links: { self: ctx.url } };
    },
  }),
  route<IdentityDeps>({
    method: 'HEAD',
    url: implyUrl,
    policy: 'identity:get_implied_role',
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      void (await service.checkImplication(deps, p(ctx, 'prior_role_id'), p(ctx, 'implied_role_id'))),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: implyUrl,
    policy: 'identity:delete_implied_role',
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      service.removeImplication(deps, p(ctx, 'prior_role_id'), p(ctx, 'implied_role_id')),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/roles/:prior_role_id/implies',
    policy: 'identity:list_implied_roles',
    successStatus: 200,
    response: priorRoleInferencesResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const prior = await service.findRole(deps, p(ctx, 'prior_role_id'));
      const rules = await store.listImplications(deps.store.db, prior.id);
      const implied = await store.listRoles(deps.store.db, { ids: rules.map((r) => r.implied) });
      return { role_inference: inferenceView(prior, implied, ctx.serviceUrl), links: { self: ctx.url } };
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/role_inferences',
    policy: 'identity:list_role_inference_rules',
    successStatus: 200,
    response: roleInferenceListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const rules = await store.listImplications(deps.store.db);
      const roles = new Map((await store.listRoles(deps.store.db, {})).map((r) => [r.id, r]));
      const priors = [...new Set(rules.map((r) => r.prior))];
      const role_inferences = priors.flatMap((id) => {
        const prior = roles.get(id);
        const implies = rules.filter((r) => r.prior === id).flatMap((r) => roles.get(r.implied) ?? []);
        return prior ? [inferenceView(prior, implies, ctx.serviceUrl)] : [];
      });
      // Keystone gives this list no links.
      return { role_inferences };
    },
  }),
];

export const roleRoutes = [...crudRoutes, ...inferenceRoutes];
