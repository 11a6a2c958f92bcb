import { ForbiddenError, NotFoundError } from '../../common/errors.js';
import type { AssignmentType } from '../../db/schema.js';
import * as domainStore from '../domains/domain-store.js';
import type { IdentityDeps } from '../identity-deps.js';
import { notFound } from '../identity-errors.js';
import type { Project } from '../projects/project-store.js';
import * as projectStore from '../projects/project-store.js';
import type { Role } from '../roles/role-store.js';
import * as roleStore from '../roles/role-store.js';
import * as userStore from '../users/user-store.js';
import type { Assignment } from './assignment-store.js';
import * as store from './assignment-store.js';

export type ActorKind = 'user' | 'group';
export type TargetKind = 'project' | 'domain' | 'system';

/** A grant as named by a URL: /v3/{projects|domains|system}/{target}/{users|groups}/{actor}/roles/{role}. */
export interface GrantRef {
  readonly targetKind: TargetKind;
  readonly targetId: string;
  readonly actorKind: ActorKind;
  readonly actorId: string;
  readonly roleId: string;
  readonly inherited: boolean;
}

export function assignmentOf(g: GrantRef): Assignment {
  const type = `${g.actorKind === 'user' ? 'User' : 'Group'}${g.targetKind === 'project' ? 'Project' : g.targetKind === 'domain' ? 'Domain' : 'System'}`;
  return {
    type: type as AssignmentType,
    actorId: g.actorId,
    targetId: g.targetKind === 'system' ? store.systemTarget : g.targetId,
    roleId: g.roleId,
    inherited: g.inherited,
  };
}

/** The domain a grant's target lives in (for domain-admin policy), after checking target and actor exist. */
export async function checkGrantParties(
  deps: IdentityDeps,
  g: Omit<GrantRef, 'roleId'>,
): Promise<{ domainId?: string }> {
  const db = deps.store.db;
  let domainId: string | undefined;
  if (g.targetKind === 'project') {
    const p = await projectStore.getProject(db, g.targetId);
    if (p === undefined) throw notFound('project', g.targetId);
    domainId = p.domainId;
  } else if (g.targetKind === 'domain') {
    if ((await domainStore.getDomain(db, g.targetId)) === undefined) throw notFound('domain', g.targetId);
    domainId = g.targetId;
  }
  if (g.actorKind === 'user') {
    if ((await userStore.getUser(db, g.actorId)) === undefined) throw notFound('user', g.actorId);
  } else {
    const group = await db.selectFrom('groups').select('id').where('id', '=', g.actorId).executeTakeFirst();
    if (group === undefined) throw notFound('group', g.actorId);
  }
  return domainId === undefined ? {} : { domainId };
}

export async function createGrant(deps: IdentityDeps, g: GrantRef): Promise<void> {
  const { domainId } = await checkGrantParties(deps, g);
  const role = await roleStore.getRole(deps.store.db, g.roleId);
  if (role === undefined) throw notFound('role', g.roleId);
  if (role.domainId !== null && role.domainId !== domainId) {
    throw new ForbiddenError(
      'identity.grant.domain_role_mismatch',
      `Project ${g.targetId} must be in the same domain as the role ${g.roleId} being assigned.`,
    );
  }
  await store.insertAssignment(deps.store.db, assignmentOf(g));
}

export async function checkGrant(deps: IdentityDeps, g: GrantRef): Promise<void> {
  await checkGrantParties(deps, g);
  const a = assignmentOf(g);
  const rows = await store.listAssignments(deps.store.db, {
    actorIds: [a.actorId],
    targetIds: [a.targetId],
    roleId: a.roleId,
    types: [a.type],
    inherited: a.inherited,
  });
  if (rows.length === 0) throw grantNotFound(g);
}

export async function deleteGrant(deps: IdentityDeps, g: GrantRef): Promise<void> {
  await checkGrantParties(deps, g);
  if ((await store.deleteAssignment(deps.store.db, assignmentOf(g))) === 0) throw grantNotFound(g);
}

export async function listGrantRoles(deps: IdentityDeps, g: Omit<GrantRef, 'roleId'>): Promise<Role[]> {
  await checkGrantParties(deps, g);
  const a = assignmentOf({ ...g, roleId: '' });
  const rows = await store.listAssignments(deps.store.db, {
    actorIds: [a.actorId],
    targetIds: [a.targetId],
    types: [a.type],
    inherited: a.inherited,
  });
  return roleStore.listRoles(deps.store.db, { ids: rows.map((r) => r.roleId) });
}

function grantNotFound(g: GrantRef): NotFoundError {
  return new NotFoundError(
    'identity.grant.not_found',
    `Could not find role assignment with role: ${g.roleId}, user or group: ${g.actorId}, project, domain, or system: ${g.targetId}.`,
  );
}

/**
 * Projects where the user holds any role: direct and group grants on projects, plus every
 * project below an inherited grant on a domain or a parent project. Works from the
 * user's assignments, so it costs the same however many projects the cloud has.
 */
export async function listUserProjects(
  deps: IdentityDeps,
  userId: string,
  onlyEnabled = false,
): Promise<Project[]> {
  const db = deps.store.db;
  const actors = [userId, ...(await store.groupIdsOfUser(db, userId))];
  const rows = await store.listAssignments(db, {
    actorIds: actors,
    types: ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain'],
  });
  const ids = new Set(rows.filter((r) => r.type.endsWith('Project') && !r.inherited).map((r) => r.targetId));
  const inheritedDomains = rows
    .filter((r) => r.inherited && r.type.endsWith('Domain'))
    .map((r) => r.targetId);
  if (inheritedDomains.length > 0) {
    for (const d of inheritedDomains)
      for (const p of await projectStore.listProjects(db, { domainId: d })) ids.add(p.id);
  }
  let frontier = rows.filter((r) => r.inherited && r.type.endsWith('Project')).map((r) => r.targetId);
  while (frontier.length > 0) {
    const children = await projectStore.listProjects(db, { parentIds: frontier });
    children.forEach((c) => ids.add(c.id));
    frontier = children.map((c) => c.id);
  }
  return projectStore.listProjects(db, { ids: [...ids], ...(onlyEnabled && { enabled: true }) });
}

/** Domains where the user holds a role directly or through a group. */
export async function listUserDomains(deps: IdentityDeps, userId: string): Promise<string[]> {
  const actors = [userId, ...(await store.groupIdsOfUser(deps.store.db, userId))];
  const rows = await store.listAssignments(deps.store.db, {
    actorIds: actors,
    types: ['UserDomain', 'GroupDomain'],
    inherited: false,
  });
  return [...new Set(rows.map((r) => r.targetId))];
}
