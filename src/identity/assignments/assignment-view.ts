import type { ListedAssignment } from './assignment-list.js';

/** Names looked up for include_names=true. */
export interface AssignmentNames {
  readonly roles: ReadonlyMap<string, { name: string; domainId: string | null }>;
  readonly users: ReadonlyMap<string, { name: string; domainId: string }>;
  readonly groups: ReadonlyMap<string, { name: string; domainId: string }>;
  readonly projects: ReadonlyMap<string, { name: string; domainId: string }>;
  readonly domains: ReadonlyMap<string, string>;
}

const plural = {
  project: 'projects',
  domain: 'domains',
  system: 'system',
  user: 'users',
  group: 'groups',
} as const;

export function assignmentView(a: ListedAssignment, serviceUrl: string, names?: AssignmentNames) {
  const domainRef = (id: string) => ({ id, ...(names && { name: names.domains.get(id) ?? id }) });
  const named = (map: ReadonlyMap<string, { name: string; domainId: string }> | undefined, id: string) => {
    const n = map?.get(id);
    return names && n ? { id, name: n.name, domain: domainRef(n.domainId) } : { id };
  };
  const role = names?.roles.get(a.roleId);
  const scope =
    a.scope.kind === 'system'
      ? { system: { all: true } }
      : a.scope.kind === 'domain'
        ? { domain: domainRef(a.scope.id) }
        : { project: named(names?.projects, a.scope.id) };
  return {
    role:
      names && role
        ? {
            id: a.roleId,
            name: role.name,
            ...(role.domainId !== null && { domain: domainRef(role.domainId) }),
          }
        : { id: a.roleId },
    [a.actor.kind]: named(a.actor.kind === 'user' ? names?.users : names?.groups, a.actor.id),
    scope: a.inherited ? { ...scope, 'OS-INHERIT:inherited_to': 'projects' } : scope,
    links: links(a, serviceUrl),
  };
}

function links(a: ListedAssignment, serviceUrl: string): Record<string, string> {
  const actorKind = a.viaGroupId !== undefined ? 'group' : a.actor.kind;
  const actorId = a.viaGroupId ?? a.actor.id;
  const target = a.scope.kind === 'system' ? 'system' : `${plural[a.scope.kind]}/${a.scope.id}`;
  const base = `${a.inherited ? '/OS-INHERIT' : ''}/${target}/${plural[actorKind]}/${actorId}/roles/${a.roleId}`;
  const assignment = `${serviceUrl}/v3${base}${a.inherited ? '/inherited_to_projects' : ''}`;
  return a.viaGroupId !== undefined
    ? { assignment, membership: `${serviceUrl}/v3/groups/${a.viaGroupId}/users/${a.actor.id}` }
    : { assignment };
}
