/** One API call an application credential may make (Keystone access rules). */
export interface AccessRule {
  readonly id: string;
  readonly service: string;
  readonly method: string;
  readonly path: string;
}

/**
 * Whether a restricted token may make this call, as keystonemiddleware decides: some rule
 * names this service type, this method and a path pattern matching the request path below
 * the service's mount point (`/v2.1/servers`, not `/compute/v2.1/servers`). Validating a
 * token is always allowed, so a credential can look at itself.
 */
export function accessRulesPermit(
  rules: ReadonlyArray<AccessRule>,
  call: { serviceType: string; method: string; path: string },
): boolean {
  if (call.serviceType === 'identity' && call.method === 'GET' && call.path.endsWith('/v3/auth/tokens'))
    return true;
  return rules.some(
    (r) => r.service === call.serviceType && r.method === call.method && pathPattern(r.path).test(call.path),
  );
}

/** `*` and `{name}` stand for one path segment, `**` for any run of them; the rest is literal. */
export function pathPattern(pattern: string): RegExp {
  let source = '';
  for (const m of pattern.matchAll(/\*\*|\*|\{[^}]*\}|[^*{]+|\{/g)) {
    const t = m[0];
    if (t === '**') source += '.*';
    else if (t === '*' || (t.startsWith('{') && t.endsWith('}'))) source += '[^/]+';
    else source += t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
