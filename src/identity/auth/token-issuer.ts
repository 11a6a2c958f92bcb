import { randomToken } from '../../common/ids.js';
import { resolveDomain } from '../domains/domain-service.js';
import type { IdentityDeps } from '../identity-deps.js';
import { authFailed } from '../identity-errors.js';
import * as projectStore from '../projects/project-store.js';
import type { TokenScope } from '../tokens/token-format.js';
import { sealToken } from '../tokens/token-format.js';
import type { AuthRequest, ScopeRequest } from './auth-schemas.js';
import type { Identified } from './authenticate.js';
import { assertMethodsSupported, identify } from './authenticate.js';
import { assertScopeShape } from './auth-scope-check.js';
import type { ResolvedToken } from './resolved-token.js';
import { resolvePayload } from './token-resolver.js';

/**
 * POST /v3/auth/tokens: identify, choose the scope, seal the payload, and resolve it once
 * so a scope the user holds no role on is refused now rather than at first use.
 */
export async function issueToken(deps: IdentityDeps, auth: AuthRequest): Promise<ResolvedToken> {
  // Keystone's order: unknown methods (401), then a malformed scope (400), then credentials.
  assertMethodsSupported(auth.identity);
  assertScopeShape(auth);
  const who = await identify(deps, auth.identity);
  const scope = await chooseScope(deps, who, auth.scope);
  const now = deps.clock().getTime();
  let expiresAt = now + deps.settings.tokenExpirationSec * 1000;
  if (who.parent) expiresAt = Math.min(expiresAt, who.parent.expiresAt);
  if (who.applicationCredential?.expiresAt)
    expiresAt = Math.min(expiresAt, Date.parse(who.applicationCredential.expiresAt));
  const payload = {
    userId: who.user.id,
    methods: who.methods,
    scope,
    issuedAt: now,
    expiresAt,
    auditIds: who.parent ? [randomToken(16), who.parent.auditIds.at(-1)!] : [randomToken(16)],
    ...(who.applicationCredential && { applicationCredentialId: who.applicationCredential.id }),
  };
  const id = sealToken(payload, deps.keys.primary());
  const resolved = await resolvePayload(deps, id, payload);
  if (resolved !== undefined) return resolved;
  // Keystone falls back to an unscoped token when the default project is unusable.
  if (auth.scope === undefined && scope.kind === 'project' && !who.parent && !who.applicationCredential) {
    const unscoped = { ...payload, scope: { kind: 'unscoped' as const } };
    const fallback = await resolvePayload(deps, sealToken(unscoped, deps.keys.primary()), unscoped);
    if (fallback !== undefined) return fallback;
  }
  throw authFailed('identity.auth.no_role_on_scope');
}

async function chooseScope(deps: IdentityDeps, who: Identified, req: ScopeRequest): Promise<TokenScope> {
  if (who.applicationCredential) {
    const fixed: TokenScope = { kind: 'project', id: who.applicationCredential.projectId };
    const asked = req === undefined || typeof req === 'string' ? undefined : await explicitScope(deps, req);
    if (asked !== undefined && !(asked.kind === 'project' && asked.id === fixed.id))
      throw authFailed('identity.auth.app_cred_scope');
    return fixed;
  }
  if (req === 'unscoped' || (typeof req === 'object' && req.unscoped !== undefined))
    return { kind: 'unscoped' };
  if (typeof req === 'object') {
    const explicit = await explicitScope(deps, req);
    if (explicit !== undefined) return explicit;
  }
  if (req === undefined && who.parent === undefined && who.user.defaultProjectId !== null) {
    return { kind: 'project', id: who.user.defaultProjectId };
  }
  return { kind: 'unscoped' };
}

async function explicitScope(
  deps: IdentityDeps,
  req: Exclude<ScopeRequest, string | undefined>,
): Promise<TokenScope | undefined> {
  if (req.project !== undefined) {
    const p = req.project;
    if (p.id !== undefined) return { kind: 'project', id: p.id };
    const domain = p.domain && (await resolveDomain(deps, p.domain));
    const project =
      domain && p.name !== undefined
        ? await projectStore.getProjectByName(deps.store.db, domain.id, p.name)
        : undefined;
    if (project === undefined) throw authFailed('identity.auth.unknown_project');
    return { kind: 'project', id: project.id };
  }
  if (req.domain !== undefined) {
    const domain = await resolveDomain(deps, req.domain);
    if (domain === undefined) throw authFailed('identity.auth.unknown_domain');
    return { kind: 'domain', id: domain.id };
  }
  if (req.system !== undefined) return { kind: 'system' };
  return undefined;
}
