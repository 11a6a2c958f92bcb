import type { IdentityDeps } from '../identity-deps.js';
import * as projectStore from '../projects/project-store.js';
import { expandImplied } from '../roles/role-service.js';
import { listImplications, listRoles } from '../roles/role-store.js';
import type { Assignment } from './assignment-store.js';
import * as store from './assignment-store.js';

/** One row of GET /v3/role_assignments, before rendering. */
export interface ListedAssignment {
  readonly roleId: string;
  readonly actor: { readonly kind: 'user' | 'group'; readonly id: string };
  readonly scope: { readonly kind: 'project' | 'domain' | 'system'; readonly id: string };
  readonly inherited: boolean;
  /** Set when an effective listing expanded a group grant to this user. */
  readonly viaGroupId?: string;
  /** Set when an effective listing derived this row from a grant elsewhere. */
  readonly source?: Assignment;
}

export interface AssignmentQuery {
  readonly userId?: string;
  readonly groupId?: string;
  readonly roleId?: string;
  readonly projectId?: string;
  readonly domainId?: string;
  readonly system?: boolean;
  readonly inheritedOnly?: boolean;
  readonly effective: boolean;
}

/**
 * Lists grants as stored or, with `effective`, as they apply: group grants become one row
 * per member, inherited grants one row per project below the target, and implied roles
 * are added. Filters apply after expansion, as Keystone does.
 */
export async function listRoleAssignments(
  deps: IdentityDeps,
  q: AssignmentQuery,
): Promise<ListedAssignment[]> {
  const rows = await store.listAssignments(
    deps.store.db,
    q.roleId !== undefined && !q.effective ? { roleId: q.roleId } : {},
  );
  let listed = rows.map(asListed);
  if (q.effective) listed = await expandEffective(deps, listed);
  return listed.filter((a) => matches(a, q));
}

/** What a domain-scoped caller may see: grants on its domain and on the projects in it. */
export async function inDomain(
  deps: IdentityDeps,
  rows: ReadonlyArray<ListedAssignment>,
  domainId: string,
): Promise<ListedAssignment[]> {
  const projects = await projectStore.listProjects(deps.store.db, { domainId });
  const ids = new Set(projects.map((p) => p.id));
  return rows.filter((a) =>
    a.scope.kind === 'domain' ? a.scope.id === domainId : a.scope.kind === 'project' && ids.has(a.scope.id),
  );
}

function asListed(a: Assignment): ListedAssignment {
  const kind = a.type.endsWith('Project') ? 'project' : a.type.endsWith('Domain') ? 'domain' : 'system';
  return {
    roleId: a.roleId,
    actor: { kind: a.type.startsWith('User') ? 'user' : 'group', id: a.actorId },
    scope: { kind, id: a.targetId },
    inherited: a.inherited,
  };
}

function matches(a: ListedAssignment, q: AssignmentQuery): boolean {
  if (q.userId !== undefined && !(a.actor.kind === 'user' && a.actor.id === q.userId)) return false;
  if (q.groupId !== undefined && !(a.actor.kind === 'group' && a.actor.id === q.groupId)) return false;
  if (q.roleId !== undefined && a.roleId !== q.roleId) return false;
  if (q.projectId !== undefined && !(a.scope.kind === 'project' && a.scope.id === q.projectId)) return false;
  if (q.domainId !== undefined && !(a.scope.kind === 'domain' && a.scope.id === q.domainId)) return false;
  if (q.system === true && a.scope.kind !== 'system') return false;
  if (q.inheritedOnly === true && !a.inherited) return false;
  return true;
}

async function expandEffective(
  deps: IdentityDeps,
  rows: ReadonlyArray<ListedAssignment>,
): Promise<ListedAssignment[]> {
  const db = deps.store.db;
  const projects = await projectStore.listProjects(db, {});
  const members = await store.userIdsOfGroups(db, [
    ...new Set(rows.filter((r) => r.actor.kind === 'group').map((r) => r.actor.id)),
  ]);
  const rules = await listImplications(db);
  // As in tokens, domain-specific roles only lead to the global roles they imply.
  const global = new Set((await listRoles(db, { domainId: null })).map((r) => r.id));
  const out: ListedAssignment[] = [];
  for (const r of rows) {
    const scopes = r.inherited ? inheritedScopes(r, projects) : [r.scope];
    const actors: Array<{ id: string; via?: string }> =
      r.actor.kind === 'user'
        ? [{ id: r.actor.id }]
        : members.filter((m) => m.groupId === r.actor.id).map((m) => ({ id: m.userId, via: m.groupId }));
    for (const scope of scopes) {
      for (const actor of actors) {
        for (const roleId of [...expandImplied([r.roleId], rules)].filter((id) => global.has(id))) {
          out.push({
            roleId,
            actor: { kind: 'user', id: actor.id },
            scope,
            inherited: false,
            ...(actor.via !== undefined && { viaGroupId: actor.via }),
          });
        }
      }
    }
  }
  return dedupe(out);
}

/** Projects an inherited grant reaches: all of a domain's projects, or a project's subtree. */
function inheritedScopes(
  r: ListedAssignment,
  projects: ReadonlyArray<projectStore.Project>,
): ListedAssignment['scope'][] {
  if (r.scope.kind === 'domain')
    return projects.filter((p) => p.domainId === r.scope.id).map((p) => ({ kind: 'project', id: p.id }));
  const below: string[] = [];
  const frontier = [r.scope.id];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const p of projects) {
      if (p.parentId === parent) {
        below.push(p.id);
        frontier.push(p.id);
      }
    }
  }
  return below.map((id) => ({ kind: 'project', id }));
}

function dedupe(rows: ReadonlyArray<ListedAssignment>): ListedAssignment[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.roleId}|${r.actor.kind}:${r.actor.id}|${r.scope.kind}:${r.scope.id}|${r.viaGroupId ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
