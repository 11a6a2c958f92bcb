import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../common/errors.js';
import { respond } from '../../common/http/http-response.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { listUserDomains, listUserProjects } from '../assignments/assignment-service.js';
import { loadCatalog, scopeCatalog } from '../catalog/catalog-service.js';
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
import type { ResolvedToken } from './resolved-token.js';
import { tokenView } from './token-view.js';
import { domainListResponse, projectListResponse } from '../identity-response-schemas.js';
import { authCatalogResponse } from '../catalog/catalog-response-schemas.js';
import { authSystemResponse, tokenResponse } from './token-response-schemas.js';

/** The catalog a token shows: `$(project_id)s` templates filled for its user and project. */
async function catalogFor(deps: IdentityDeps, t: { userId: string; projectId?: string | undefined }) {
  return scopeCatalog(await loadCatalog(deps), t);
}

/**
 * Guessing passwords from one address is slowed to the limiter's rate: once it has failed
 * too often, the address gets 429 until its window ends, whatever it sends.
 */
async function limitFailures<T>(deps: IdentityDeps, address: string, issue: () => Promise<T>): Promise<T> {
  const wait = deps.authFailures?.retryAfterSec(address) ?? 0;
  if (wait > 0)
    throw new TooManyRequestsError(
      'identity.auth.too_many_failures',
      `Too many failed authentication attempts from ${address}; try again in ${wait} seconds.`,
      { 'retry-after': String(wait) },
    );
  try {
    return await issue();
  } catch (err) {
    if (err instanceof UnauthorizedError) deps.authFailures?.recordFailure(address);
    throw err;
  }
}

const tokenIds = (t: ResolvedToken) => ({ userId: t.user.id, projectId: t.project?.project.id });

const subjectHeader = 'x-subject-token';

const subjects = new WeakMap<RequestContext, Promise<ResolvedToken>>();

/** The token named by X-Subject-Token (resolved once per request), or Keystone's 404. */
function subjectToken(ctx: RequestContext, deps: IdentityDeps): Promise<ResolvedToken> {
  let pending = subjects.get(ctx);
  if (pending === undefined) {
    pending = resolveSubject(ctx, deps);
    subjects.set(ctx, pending);
  }
  return pending;
}

async function resolveSubject(ctx: RequestContext, deps: IdentityDeps): Promise<ResolvedToken> {
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
    response: tokenResponse,
    expectedErrors: [404, 429],
    handler: async (ctx, deps) => {
      const token = await limitFailures(deps, ctx.remoteAddress, () => issueToken(deps, ctx.body.auth));
      const catalog =
        queryFlag(ctx.query['nocatalog']) === true ? undefined : await catalogFor(deps, tokenIds(token));
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
    response: tokenResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const token = await subjectToken(ctx, deps);
      const catalog =
        queryFlag(ctx.query['nocatalog']) === true ? undefined : await catalogFor(deps, tokenIds(token));
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
    policy: 'identity:get_auth_catalog',
    successStatus: 200,
    response: authCatalogResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const a = ctx.auth;
      if (a.projectId === undefined && a.domainId === undefined && a.system === undefined) {
        throw new ForbiddenError(
          'identity.auth.catalog_unscoped',
          'A scoped token is required to retrieve the catalog.',
        );
      }
      const catalog = await catalogFor(deps, { userId: a.userId, projectId: a.projectId });
      return { catalog, links: { self: ctx.url } };
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/auth/projects',
    policy: 'identity:get_auth_projects',
    successStatus: 200,
    response: projectListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      projectListView(await listUserProjects(deps, ctx.auth.userId, true), ctx.serviceUrl, ctx.url),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/auth/domains',
    policy: 'identity:get_auth_domains',
    successStatus: 200,
    response: domainListResponse,
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
    policy: 'identity:get_auth_system',
    successStatus: 200,
    response: authSystemResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const roles = await effectiveRoleIds(deps, ctx.auth.userId, { kind: 'system' });
      return {
        system: roles.size > 0 ? [{ all: true }] : [],
        links: { self: ctx.url },
      };
    },
  }),
];
