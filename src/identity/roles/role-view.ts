import type { Role } from './role-store.js';

export function roleView(r: Role, serviceUrl: string) {
  return {
    id: r.id,
    name: r.name,
    domain_id: r.domainId,
    // Keystone keeps no default description for a role: unset shows as null.
    description: r.description === '' ? null : r.description,
    options: r.options,
    links: { self: `${serviceUrl}/v3/roles/${r.id}` },
  };
}

export function roleListView(roles: ReadonlyArray<Role>, serviceUrl: string, selfUrl: string) {
  return {
    roles: roles.map((r) => roleView(r, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}

const roleRef = (r: Role, serviceUrl: string) => ({
  id: r.id,
  name: r.name,
  links: { self: `${serviceUrl}/v3/roles/${r.id}` },
});

/** `{"role_inference": {"prior_role": {...}, "implies": {...} | [...]}}` */
export function inferenceView(prior: Role, implies: Role | ReadonlyArray<Role>, serviceUrl: string) {
  return {
    prior_role: roleRef(prior, serviceUrl),
    implies: Array.isArray(implies)
      ? implies.map((r) => roleRef(r, serviceUrl))
      : roleRef(implies as Role, serviceUrl),
  };
}
