import type { AuthContext, TokenValidator } from '../common/http/auth-context.js';
import { authContextOf } from './auth/resolved-token.js';
import { resolveToken } from './auth/token-resolver.js';
import type { IdentityDeps } from './identity-deps.js';
import { authFailed } from './identity-errors.js';

export interface CachingTokenValidator extends TokenValidator {
  /** Forgets every cached token (called after any identity write in this process). */
  invalidate(): void;
}

const maxEntries = 10_000;

/**
 * What keystonemiddleware does for every other service, done in-process, with its token
 * cache: a validated token is trusted for `cacheMs` (never past its expiry). Any identity
 * write in this process clears the cache, so revocations, role removals and password
 * changes apply at once here; other API processes see them within `cacheMs`.
 */
export function createTokenValidator(deps: IdentityDeps, cacheMs = 0): CachingTokenValidator {
  const cache = new Map<string, { readonly auth: AuthContext; readonly until: number }>();
  return {
    async validate(token) {
      const now = deps.clock().getTime();
      const hit = cache.get(token);
      if (hit !== undefined && hit.until > now) return hit.auth;
      const resolved = await resolveToken(deps, token);
      if (resolved === undefined) {
        cache.delete(token);
        throw authFailed('identity.token.invalid');
      }
      const auth = authContextOf(resolved);
      if (cacheMs > 0) {
        if (cache.size >= maxEntries) cache.clear();
        cache.set(token, { auth, until: Math.min(now + cacheMs, resolved.payload.expiresAt) });
      }
      return auth;
    },
    invalidate: () => cache.clear(),
  };
}
