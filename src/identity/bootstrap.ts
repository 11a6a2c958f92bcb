import { hexId } from '../common/ids.js';
import * as assignmentStore from './assignments/assignment-store.js';
import * as domainStore from './domains/domain-store.js';
import type { IdentityDeps } from './identity-deps.js';
import * as projectStore from './projects/project-store.js';
import * as roleStore from './roles/role-store.js';
import * as userStore from './users/user-store.js';

export const defaultDomainId = 'default';

export interface BootstrapRequest {
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly adminProject: string;
  /** Reset the admin password even when the user already exists. */
  readonly resetPassword: boolean;
}

/**
 * keystone-manage bootstrap, idempotent: safe to run at every start. Creates the Default
 * domain, the admin > member > reader roles (immutable, implied), the admin project and
 * user, and grants admin on the project and on the system.
 */
export async function bootstrapIdentity(
  deps: IdentityDeps,
  req: BootstrapRequest,
): Promise<{ adminUserId: string; adminProjectId: string }> {
  const db = deps.store.db;
  const now = deps.clock().toISOString();
  if ((await domainStore.getDomain(db, defaultDomainId)) === undefined) {
    await domainStore.insertDomain(
      db,
      { id: defaultDomainId, name: 'Default', description: 'The default domain', enabled: true, extra: {} },
      now,
    );
  }
  const [reader, member, admin] = await Promise.all(
    ['reader', 'member', 'admin'].map((n) => ensureRole(deps, n, now)),
  );
  await roleStore.insertImplication(db, admin!.id, member!.id);
  await roleStore.insertImplication(db, member!.id, reader!.id);
  await ensureRole(deps, 'service', now);

  let project = await projectStore.getProjectByName(db, defaultDomainId, req.adminProject);
  if (project === undefined) {
    project = {
      id: hexId(),
      name: req.adminProject,
      domainId: defaultDomainId,
      parentId: null,
      description: 'Bootstrap project for initializing the cloud.',
      enabled: true,
      tags: [],
      extra: {},
    };
    await projectStore.insertProject(db, project, now);
  }
  const userId = await ensureAdminUser(deps, req, now);
  for (const target of [
    { type: 'UserProject' as const, targetId: project.id },
    { type: 'UserSystem' as const, targetId: assignmentStore.systemTarget },
  ]) {
    await assignmentStore.insertAssignment(db, {
      ...target,
      actorId: userId,
      roleId: admin!.id,
      inherited: false,
    });
  }
  return { adminUserId: userId, adminProjectId: project.id };
}

async function ensureRole(deps: IdentityDeps, name: string, now: string): Promise<roleStore.Role> {
  const existing = await roleStore.listRoles(deps.store.db, { name, domainId: null });
  if (existing[0] !== undefined) return existing[0];
  const role = { id: hexId(), name, domainId: null, description: '', options: { immutable: true } };
  await roleStore.insertRole(deps.store.db, role, now);
  return role;
}

async function ensureAdminUser(deps: IdentityDeps, req: BootstrapRequest, now: string): Promise<string> {
  const db = deps.store.db;
  const user = await userStore.getUserByName(db, defaultDomainId, req.adminUser);
  if (user === undefined) {
    const id = hexId();
    const created: userStore.User = {
      id,
      name: req.adminUser,
      domainId: defaultDomainId,
      enabled: true,
      passwordHash: await deps.hasher.hash(req.adminPassword),
      defaultProjectId: null,
      description: '',
      extra: {},
      options: {},
    };
    await userStore.insertUser(db, created, now);
    return id;
  }
  if (req.resetPassword || !user.enabled) {
    await userStore.updateUser(
      db,
      { ...user, enabled: true, passwordHash: await deps.hasher.hash(req.adminPassword) },
      now,
    );
  }
  return user.id;
}
