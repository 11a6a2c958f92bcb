import type { TokenValidator } from '../common/http/auth-context.js';
import { authContextOf } from './auth/resolved-token.js';
import { resolveToken } from './auth/token-resolver.js';
import type { IdentityDeps } from './identity-deps.js';
import { authFailed } from './identity-errors.js';

/** What keystonemiddleware does for every other service, done in-process. */
export function createTokenValidator(deps: IdentityDeps): TokenValidator {
  return {
    async validate(token) {
      const resolved = await resolveToken(deps, token);
      if (resolved === undefined) throw authFailed('identity.token.invalid');
      return authContextOf(resolved);
    },
  };
}
