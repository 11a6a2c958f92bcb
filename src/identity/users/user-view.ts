import type { User } from './user-store.js';

/** Keystone's user JSON: optional fields appear only when set; the hash never leaves. */
export function userView(u: User, serviceUrl: string) {
  return {
    ...u.extra,
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: u.enabled,
    password_expires_at: null,
    options: u.options,
    ...(u.description !== '' && { description: u.description }),
    ...(u.defaultProjectId !== null && { default_project_id: u.defaultProjectId }),
    links: { self: `${serviceUrl}/v3/users/${u.id}` },
  };
}

export function userListView(users: ReadonlyArray<User>, serviceUrl: string, selfUrl: string) {
  return {
    users: users.map((u) => userView(u, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}
