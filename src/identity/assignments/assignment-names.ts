import type { IdentityDeps } from '../identity-deps.js';
import type { ListedAssignment } from './assignment-list.js';
import type { AssignmentNames } from './assignment-view.js';

/** Loads every name an include_names listing shows, in one query per table. */
export async function loadAssignmentNames(
  deps: IdentityDeps,
  rows: ReadonlyArray<ListedAssignment>,
): Promise<AssignmentNames> {
  const db = deps.store.db;
  const ids = (pick: (a: ListedAssignment) => string | undefined) => [
    ...new Set(rows.map(pick).filter((x): x is string => x !== undefined)),
  ];
  const inList = <T>(list: string[], load: (l: string[]) => Promise<T[]>) =>
    list.length === 0 ? Promise.resolve([] as T[]) : load(list);
  const [roles, users, groups, projects] = await Promise.all([
    inList(
      ids((a) => a.roleId),
      (l) => db.selectFrom('roles').select(['id', 'name', 'domain_id']).where('id', 'in', l).execute(),
    ),
    inList(
      ids((a) => (a.actor.kind === 'user' ? a.actor.id : undefined)),
      (l) => db.selectFrom('users').select(['id', 'name', 'domain_id']).where('id', 'in', l).execute(),
    ),
    inList(
      ids((a) => (a.actor.kind === 'group' ? a.actor.id : undefined)),
      (l) => db.selectFrom('groups').select(['id', 'name', 'domain_id']).where('id', 'in', l).execute(),
    ),
    inList(
      ids((a) => (a.scope.kind === 'project' ? a.scope.id : undefined)),
      (l) => db.selectFrom('projects').select(['id', 'name', 'domain_id']).where('id', 'in', l).execute(),
    ),
  ]);
  const domains = await db.selectFrom('domains').select(['id', 'name']).execute();
  return {
    roles: new Map(roles.map((r) => [r.id, { name: r.name, domainId: r.domain_id }])),
    users: new Map(users.map((r) => [r.id, { name: r.name, domainId: r.domain_id }])),
    groups: new Map(groups.map((r) => [r.id, { name: r.name, domainId: r.domain_id }])),
    projects: new Map(projects.map((r) => [r.id, { name: r.name, domainId: r.domain_id }])),
    domains: new Map(domains.map((d) => [d.id, d.name])),
  };
}
