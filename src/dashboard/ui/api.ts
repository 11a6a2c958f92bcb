import type { CatalogEntry, Session } from './session.js';
import { endpointOf } from './session.js';

/** An API call's failure, carrying the service's own message for the page to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The message inside any OpenStack fault shape: Keystone, Nova, Neutron, Cinder, Glance. */
function faultMessage(status: number, body: unknown): string {
  if (body !== null && typeof body === 'object') {
    for (const value of Object.values(body as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object' && 'message' in value)
        return String((value as { message: unknown }).message);
    }
    if ('message' in body) return String((body as { message: unknown }).message);
  }
  return `request failed with status ${status}`;
}

export async function call<T>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ body: T; headers: Headers }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      ...(init.token !== undefined && { 'x-auth-token': init.token }),
      ...init.headers,
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  const body = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (!res.ok) throw new ApiError(res.status, faultMessage(res.status, body));
  return { body: body as T, headers: res.headers };
}

const identity = '/identity/v3';

interface TokenBody {
  token: {
    expires_at: string;
    user: { id: string; name: string; domain: { name: string } };
    project?: { id: string; name: string };
    roles?: Array<{ name: string }>;
    catalog?: CatalogEntry[];
  };
}

/** Password login, unscoped: the projects it may enter come next. */
export async function login(domain: string, user: string, password: string): Promise<string> {
  const { headers } = await call<TokenBody>(`${identity}/auth/tokens?nocatalog`, {
    method: 'POST',
    body: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, domain: { name: domain }, password } },
        },
      },
    },
  });
  return headers.get('x-subject-token') ?? '';
}

export async function projectsOf(token: string): Promise<Array<{ id: string; name: string }>> {
  const { body } = await call<{ projects: Array<{ id: string; name: string }> }>(
    `${identity}/auth/projects`,
    {
      token,
    },
  );
  return body.projects.sort((a, b) => a.name.localeCompare(b.name));
}

/** Re-scopes a token to a project: the session the pages use. */
export async function scopeTo(token: string, projectId: string): Promise<Session> {
  const { body, headers } = await call<TokenBody>(`${identity}/auth/tokens`, {
    method: 'POST',
    body: {
      auth: { identity: { methods: ['token'], token: { id: token } }, scope: { project: { id: projectId } } },
    },
  });
  const t = body.token;
  return {
    token: headers.get('x-subject-token') ?? '',
    expiresAt: t.expires_at,
    user: { id: t.user.id, name: t.user.name, domain: t.user.domain.name },
    project: t.project ?? { id: projectId, name: projectId },
    roles: (t.roles ?? []).map((r) => r.name),
    catalog: t.catalog ?? [],
  };
}

export async function logout(s: Session): Promise<void> {
  await call(`${identity}/auth/tokens`, {
    method: 'DELETE',
    token: s.token,
    headers: { 'x-subject-token': s.token },
  }).catch(() => undefined);
}

/** The words to show for any failure: the service's own message when it sent one. */
export const errorText = (err: unknown): string => (err instanceof ApiError ? err.message : String(err));

/** Compute calls ask for one microversion: remote consoles need 2.6, paged actions 2.58. */
export const computeVersion = { 'openstack-api-version': 'compute 2.60' };

/** A call to the service of catalog type `type`, at `path` under its public endpoint. */
export async function serviceCall<T>(
  s: Session,
  type: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const base = endpointOf(s, type);
  if (base === undefined) throw new ApiError(404, `This cloud has no ${type} service.`);
  const headers = type === 'compute' ? { ...computeVersion, ...init.headers } : init.headers;
  const { body } = await call<T>(`${base}${path}`, { ...init, token: s.token, ...(headers && { headers }) });
  return body;
}
