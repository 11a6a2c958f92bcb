import { getApplicationCredential } from '../application-credentials/application-credential-store.js';
import { effectiveRoleIds } from '../assignments/effective-roles.js';
import type { RoleScope } from '../assignments/effective-roles.js';
import * as domainStore from '../domains/domain-store.js';
import type { IdentityDeps } from '../identity-deps.js';
import * as projectStore from '../projects/project-store.js';
import * as roleStore from '../roles/role-store.js';
import type { TokenPayload } from '../tokens/token-format.js';
import { openToken, tokenKeyId } from '../tokens/token-format.js';
import { isRevoked } from '../tokens/revocation-store.js';
import * as userStore from '../users/user-store.js';
import type { ResolvedToken } from './resolved-token.js';

/**
 * Decrypts a token and checks it is still good: not expired, not revoked, its user,
 * scope and domains still exist and are enabled, and the user still holds a role on the
 * scope. Returns undefined for any failure; callers choose 401 or 404.
 */
export async function resolveToken(deps: IdentityDeps, token: string): Promise<ResolvedToken | undefined> {
  const keyId = tokenKeyId(token);
  const key = keyId === undefined ? undefined : await deps.keys.find(keyId);
  const payload = key && openToken(token, key);
  if (payload === undefined || payload.expiresAt <= deps.clock().getTime()) return undefined;
  if (await isRevoked(deps.store.db, payload)) return undefined;
  return resolvePayload(deps, token, payload);
}

/** Loads and checks what a payload refers to (also used right after issuing). */
export async function resolvePayload(
  deps: IdentityDeps,
  id: string,
  payload: TokenPayload,
): Promise<ResolvedToken | undefined> {
  const db = deps.store.db;
  const user = await userStore.getUser(db, payload.userId);
  if (user === undefined || !user.enabled) return undefined;
  const userDomain = await domainStore.getDomain(db, user.domainId);
  if (userDomain === undefined || !userDomain.enabled) return undefined;
  const scoped = await loadScope(deps, payload);
  if (scoped === undefined) return undefined;
  const appCred = await loadApplicationCredential(deps, payload);
  if (appCred === null) return undefined;
  let roles: ReadonlyArray<roleStore.Role> = [];
  if (scoped.roleScope !== undefined) {
    let ids = await effectiveRoleIds(deps, user.id, scoped.roleScope);
    if (appCred !== undefined) ids = new Set([...ids].filter((r) => appCred.roleIds.includes(r)));
    if (ids.size === 0) return undefined;
    // Domain-specific roles only imply others; they never appear in a token (nor match a policy).
    roles = (await roleStore.listRoles(db, { ids: [...ids] })).filter((r) => r.domainId === null);
    if (roles.length === 0) return undefined;
  }
  return {
    id,
    payload,
    user,
    userDomain,
    ...(scoped.project && { project: scoped.project }),
    ...(scoped.domain && { domain: scoped.domain }),
    system: payload.scope.kind === 'system',
    roles,
    ...(appCred && {
      applicationCredential: {
        id: appCred.id,
        name: appCred.name,
        unrestricted: appCred.unrestricted,
        accessRules: appCred.accessRules,
      },
    }),
  };
}

interface LoadedScope {
  readonly roleScope?: RoleScope;
  readonly project?: ResolvedToken['project'];
  readonly domain?: ResolvedToken['domain'];
}

async function loadScope(deps: IdentityDeps, payload: TokenPayload): Promise<LoadedScope | undefined> {
  const db = deps.store.db;
  const s = payload.scope;
  if (s.kind === 'unscoped') return {};
  if (s.kind === 'system') return { roleScope: { kind: 'system' } };
  if (s.kind === 'domain') {
    const domain = await domainStore.getDomain(db, s.id);
    return domain?.enabled ? { roleScope: { kind: 'domain', domainId: domain.id }, domain } : undefined;
  }
  const project = await projectStore.getProject(db, s.id);
  if (project === undefined || !project.enabled) return undefined;
  const domain = await domainStore.getDomain(db, project.domainId);
  if (domain === undefined || !domain.enabled) return undefined;
  return { roleScope: { kind: 'project', project }, project: { project, domain } };
}

/** undefined: no credential used; null: one was used and is gone or expired. */
async function loadApplicationCredential(deps: IdentityDeps, payload: TokenPayload) {
  if (payload.applicationCredentialId === undefined) return undefined;
  const c = await getApplicationCredential(deps.store.db, payload.applicationCredentialId);
  if (c === undefined) return null;
  if (c.expiresAt !== null && Date.parse(c.expiresAt) <= deps.clock().getTime()) return null;
  return c;
}
