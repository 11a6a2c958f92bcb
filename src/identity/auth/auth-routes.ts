import { ForbiddenError } from '../../common/errors.js';
import { respond } from '../../common/http/http-response.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { listUserDomains, listUserProjects } from '../assignments/assignment-service.js';
import { loadCatalog } from '../catalog/catalog-service.js';
import * as domainStore from '../domains/domain-store.js';
import { domainListView } from '../domains/domain-view.js';
import type { IdentityDeps } from '../identity-deps.js';
import { notFound } from '../identity-errors.js';
import { queryFlag } from '../identity-schemas.js';
import { projectListView } from '../projects/project-view.js';
import { effectiveRoleIds } from '../assignments/effective-roles.js';
import { revokeAuditId } from '../tokens/revocation-store.js';
import { authBody } from './auth-schemas.js';
import { issueToken } from './token-issuer.js';
import { resolveToken } from './token-resolver.js';
import { tokenView } from './token-view.js';

const subjectHeader = 'x-subject-token';

/** The token named by X-Subject-Token, or Keystone's 404 "Could not find token". */
async function subjectToken(ctx: RequestContext, deps: IdentityDeps) {
  const raw = ctx.headers[subjectHeader];
  const id = Array.isArray(raw) ? raw[0] : raw;
  const resolved = id ? await resolveToken(deps, id) : undefined;
  if (resolved === undefined) throw notFound('token', id ?? '');
  return resolved;
}

const subjectTarget = async (ctx: RequestContext, deps: IdentityDeps) => ({
  token: { user_id: (await subjectToken(ctx, deps)).user.id },
});

export const authRoutes = [
  route<IdentityDeps, typeof authBody>({
    method: 'POST',
    url: '/v3/auth/tokens',
    auth: 'none',
    body: authBody,
    successStatus: 201,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const token = await issueToken(deps, ctx.body.auth);
      const catalog = queryFlag(ctx.query['nocatalog']) === true ? undefined : await loadCatalog(deps);
      return respond(tokenView(token, catalog ?? []), {
        status: 201,
        headers: { [subjectHeader]: token.id },
      });
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/auth/tokens',
    policy: 'identity:validate_token',
    target: subjectTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const token = await subjectToken(ctx, deps);
      const catalog = queryFlag(ctx.query['nocatalog']) === true ? undefined : await loadCatalog(deps);
      return respond(tokenView(token, catalog ?? []), { headers: { [subjectHeader]: token.id } });
    },
  }),
  route<IdentityDeps>({
    method: 'HEAD',
    url: '/v3/auth/tokens',
    policy: 'identity:check_token',
    target: subjectTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: async () => undefined,
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/auth/tokens',
    policy: 'identity:revoke_token',
    target: subjectTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const token = await subjectToken(ctx, deps);
      await revokeAuditId(
        deps.store.db,
        token.payload.auditIds[0]!,
        deps.clock(),
        deps.settings.tokenExpirationSec,
      );
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/auth/catalog',
    // Any valid token may read the catalog it would receive; Keystone asks only for a scope.
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const a = ctx.auth;
      if (a.projectId === undefined && a.domainId === undefined && a.system === undefined) {
        throw new ForbiddenError(
          'identity.auth.catalog_unscoped',
          'A scoped token is required to retrieve the catalog.',
        );
      }
      return { catalog: await loadCatalog(deps), links: { self: ctx.url, previous: null, next: null } };
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/auth/projects',
    // Lists only the caller's own projects, so any valid token may ask.
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      projectListView(await listUserProjects(deps, ctx.auth.userId, true), ctx.serviceUrl, ctx.url),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/auth/domains',
    // Lists only the caller's own domains, so any valid token may ask.
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const ids = await listUserDomains(deps, ctx.auth.userId);
      const domains = await domainStore.listDomains(deps.store.db, { ids, enabled: true });
      return domainListView(domains, ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/auth/system',
    // Tells the caller whether they hold a system role; their own information only.
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const roles = await effectiveRoleIds(deps, ctx.auth.userId, { kind: 'system' });
      return {
        system: roles.size > 0 ? [{ all: true }] : [],
        links: { self: ctx.url, previous: null, next: null },
      };
    },
  }),
];
