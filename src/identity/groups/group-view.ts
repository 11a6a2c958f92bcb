import type { Group, MemberUser } from './group-store.js';

export function groupView(g: Group, serviceUrl: string) {
  return {
    id: g.id,
    name: g.name,
    domain_id: g.domainId,
    description: g.description,
    links: { self: `${serviceUrl}/v3/groups/${g.id}` },
  };
}

export function groupListView(groups: ReadonlyArray<Group>, serviceUrl: string, selfUrl: string) {
  return {
    groups: groups.map((g) => groupView(g, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}

/** GET /v3/users/{id}/groups: Keystone adds the membership expiry (never set for local groups). */
export function userGroupListView(groups: ReadonlyArray<Group>, serviceUrl: string, selfUrl: string) {
  return {
    groups: groups.map((g) => ({ ...groupView(g, serviceUrl), membership_expires_at: null })),
    links: { self: selfUrl, previous: null, next: null },
  };
}

/**
 * A member as Keystone's user JSON, optional fields only when set. Kept local so groups
 * read the users table without depending on the users folder.
 */
export function memberView(u: MemberUser, serviceUrl: string) {
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

export function memberListView(users: ReadonlyArray<MemberUser>, serviceUrl: string, selfUrl: string) {
  return {
    users: users.map((u) => memberView(u, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}
