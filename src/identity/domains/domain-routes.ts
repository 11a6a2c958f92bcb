import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { queryFlag } from '../identity-schemas.js';
import { domainCreateBody, domainUpdateBody } from './domain-schemas.js';
import * as service from './domain-service.js';
import * as store from './domain-store.js';
import { domainListView, domainView } from './domain-view.js';
import { domainListResponse, domainResponse } from '../identity-response-schemas.js';

const listQuery = Type.Object(
  { name: Type.Optional(Type.String()), enabled: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const domainTarget = (ctx: { params: Readonly<Record<string, string>> }) => ({
  domain: { id: ctx.params['domain_id'] },
});

export const domainRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/domains',
    policy: 'identity:list_domains',
    query: listQuery,
    successStatus: 200,
    response: domainListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const enabled = queryFlag(ctx.query.enabled);
      const domains = await store.listDomains(deps.store.db, {
        ...(ctx.query.name !== undefined && { name: ctx.query.name }),
        ...(enabled !== undefined && { enabled }),
      });
      return domainListView(domains, ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof domainCreateBody>({
    method: 'POST',
    url: '/v3/domains',
    policy: 'identity:create_domain',
    body: domainCreateBody,
    successStatus: 201,
    response: domainResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) =>
      respond(
        { domain: domainView(await service.createDomain(deps, ctx.body.domain), ctx.serviceUrl) },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/domains/:domain_id',
    policy: 'identity:get_domain',
    target: domainTarget,
    successStatus: 200,
    response: domainResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      domain: domainView(await service.findDomain(deps, ctx.params['domain_id']!), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof domainUpdateBody>({
    method: 'PATCH',
    url: '/v3/domains/:domain_id',
    policy: 'identity:update_domain',
    target: domainTarget,
    body: domainUpdateBody,
    successStatus: 200,
    response: domainResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => ({
      domain: domainView(
        await service.updateDomain(deps, ctx.params['domain_id']!, ctx.body.domain),
        ctx.serviceUrl,
      ),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/domains/:domain_id',
    policy: 'identity:delete_domain',
    target: domainTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteDomain(deps, ctx.params['domain_id']!),
  }),
];
