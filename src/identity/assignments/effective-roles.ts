import type { IdentityDeps } from '../identity-deps.js';
import type { Project } from '../projects/project-store.js';
import { projectAncestors } from '../projects/project-store.js';
import { expandImplied } from '../roles/role-service.js';
import { listImplications } from '../roles/role-store.js';
import { groupIdsOfUser, listAssignments, systemTarget } from './assignment-store.js';

export type RoleScope =
  | { readonly kind: 'project'; readonly project: Project }
  | { readonly kind: 'domain'; readonly domainId: string }
  | { readonly kind: 'system' };

/**
 * The role ids a user holds on a scope: direct grants, grants to the user's groups,
 * grants inherited from the project's domain and parents (OS-INHERIT), then every role
 * those imply. This runs on every token validation, so it is a handful of indexed reads.
 */
export async function effectiveRoleIds(
  deps: IdentityDeps,
  userId: string,
  scope: RoleScope,
): Promise<Set<string>> {
  const db = deps.store.db;
  const actors = [userId, ...(await groupIdsOfUser(db, userId))];
  const direct = new Set<string>();
  if (scope.kind === 'project') {
    const p = scope.project;
    const ancestors = p.parentId === null ? [] : (await projectAncestors(db, p)).map((a) => a.id);
    const rows = await listAssignments(db, { actorIds: actors, targetIds: [p.id, p.domainId, ...ancestors] });
    for (const r of rows) {
      const applies = r.targetId === p.id ? !r.inherited && r.type.endsWith('Project') : r.inherited;
      if (applies) direct.add(r.roleId);
    }
  } else {
    const targetId = scope.kind === 'system' ? systemTarget : scope.domainId;
    const rows = await listAssignments(db, { actorIds: actors, targetIds: [targetId], inherited: false });
    for (const r of rows) {
      if (scope.kind === 'system' ? r.type.endsWith('System') : r.type.endsWith('Domain'))
        direct.add(r.roleId);
    }
  }
  if (direct.size === 0) return direct;
  return expandImplied(direct, await listImplications(db));
}
