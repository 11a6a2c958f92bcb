import type { Group } from './group-store.js';

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
