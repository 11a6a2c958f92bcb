import type { AuthContext } from '../common/http/auth-context.js';

/**
 * Lists under a domain-scoped token, as Keystone does: the policy target is the token's
 * domain (not a query parameter), and the answer holds only that domain's entries.
 */
export function callerDomainTarget(auth: AuthContext): { domain_id?: string } {
  return auth.domainId === undefined ? {} : { domain_id: auth.domainId };
}

/** A domain-scoped caller sees only its own domain's entries, whatever the filters say. */
export function inCallerDomain<T extends { readonly domainId: string }>(
  auth: AuthContext,
  items: ReadonlyArray<T>,
): T[] {
  return auth.domainId === undefined ? [...items] : items.filter((i) => i.domainId === auth.domainId);
}
