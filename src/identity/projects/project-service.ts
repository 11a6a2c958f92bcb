import { ForbiddenError, InputError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import type { AuthContext } from '../../common/http/auth-context.js';
import { uniqueWrite } from '../../db/unique-write.js';
import { findDomain } from '../domains/domain-service.js';
import type { Domain } from '../domains/domain-store.js';
import * as domainStore from '../domains/domain-store.js';
import type { IdentityDeps } from '../identity-deps.js';
import { duplicate, notFound } from '../identity-errors.js';
import { extrasOf } from '../identity-extras.js';
import { assertBranchAccepts, assertEnabledChange } from './project-hierarchy.js';
import type { Project, ProjectFilter } from './project-store.js';
import * as store from './project-store.js';

const known = ['name', 'description', 'domain_id', 'parent_id', 'enabled', 'is_domain', 'tags', 'options'];

/** Whether a project exists: what other services ask before keeping settings for one (Nova's quotas). */
export async function projectExists(deps: IdentityDeps, id: string): Promise<boolean> {
  return (await store.getProject(deps.store.db, id)) !== undefined;
}

export async function findProject(deps: IdentityDeps, id: string): Promise<Project> {
  const p = await store.getProject(deps.store.db, id);
  if (p === undefined) throw notFound('project', id);
  return p;
}

export function listProjects(deps: IdentityDeps, filter: ProjectFilter): Promise<Project[]> {
  return store.listProjects(deps.store.db, filter);
}

/**
 * Creates a project. Without a domain it lands in its parent's domain, else the caller's;
 * a parent equal to the domain means top level. Keystone's hierarchy rules hold first.
 */
export async function createProject(
  deps: IdentityDeps,
  caller: AuthContext,
  body: Record<string, unknown> & { name: string },
): Promise<Project> {
  if (body['is_domain'] === true) {
    throw new InputError(
      'identity.project.is_domain',
      'Projects acting as domains are not supported; create a domain instead.',
    );
  }
  const { domain, parent } = await placeProject(deps, caller, body);
  await assertBranchAccepts(deps, domain, parent);
  const project: Project = {
    id: hexId(),
    name: body.name,
    domainId: domain.id,
    parentId: parent?.id ?? null,
    description: typeof body['description'] === 'string' ? body['description'] : '',
    enabled: body['enabled'] !== false,
    tags: Array.isArray(body['tags']) ? (body['tags'] as string[]) : [],
    extra: extrasOf(body, known),
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.insertProject(deps.store.db, project, deps.clock().toISOString()),
    () => duplicate('project', `Duplicate entry found with name ${project.name} at domain ID ${domain.id}`),
  );
  return project;
}

interface Placement {
  readonly domain: Domain;
  /** Undefined for a top-level project. */
  readonly parent?: Project;
}

/** The new project's domain and parent, refused with Keystone's 400s when they disagree. */
async function placeProject(
  deps: IdentityDeps,
  caller: AuthContext,
  body: Record<string, unknown>,
): Promise<Placement> {
  const domainRef = typeof body['domain_id'] === 'string' ? body['domain_id'] : undefined;
  const parentRef = typeof body['parent_id'] === 'string' ? body['parent_id'] : undefined;
  const parent = parentRef !== undefined ? await parentProject(deps, parentRef) : undefined;
  const domainId =
    domainRef ??
    parent?.domainId ??
    parentRef ??
    caller.domainId ??
    caller.projectDomainId ??
    caller.userDomainId;
  const domain = await domainStore.getDomain(deps.store.db, domainId);
  if (domain === undefined)
    throw new InputError('identity.project.bad_domain', `Could not find domain: ${domainId}.`);
  if (parent !== undefined && parent.domainId !== domainId) {
    throw new InputError(
      'identity.project.cross_domain_parent',
      `Cannot create project, since it specifies its domain_id ${domainId}, but specifies a parent in a different domain (${parent.domainId}).`,
    );
  }
  if (parent === undefined && parentRef !== undefined && parentRef !== domainId) {
    throw new InputError(
      'identity.project.domain_parent_mismatch',
      `Cannot create project, the parent (${parentRef}) is acting as a domain, but this project's domain id (${domainId}) does not match the parent's id.`,
    );
  }
  return parent === undefined ? { domain } : { domain, parent };
}

/** A parent id may be a project, or the domain itself (meaning top level). */
async function parentProject(deps: IdentityDeps, id: string): Promise<Project | undefined> {
  const p = await store.getProject(deps.store.db, id);
  if (p !== undefined) return p;
  if ((await domainStore.getDomain(deps.store.db, id)) !== undefined) return undefined;
  throw new InputError('identity.project.bad_parent', `Could not find project: ${id}.`);
}

export async function updateProject(
  deps: IdentityDeps,
  id: string,
  patch: Record<string, unknown>,
): Promise<Project> {
  const cur = await findProject(deps, id);
  if (typeof patch['domain_id'] === 'string' && patch['domain_id'] !== cur.domainId) {
    throw new InputError('identity.project.domain_immutable', 'Update of `domain_id` is not allowed.');
  }
  if (patch['parent_id'] !== undefined && patch['parent_id'] !== (cur.parentId ?? cur.domainId)) {
    throw new ForbiddenError('identity.project.parent_immutable', 'Update of `parent_id` is not allowed.');
  }
  if (typeof patch['enabled'] === 'boolean') await assertEnabledChange(deps, cur, patch['enabled']);
  const next: Project = {
    ...cur,
    ...(typeof patch['name'] === 'string' && { name: patch['name'] }),
    ...(patch['description'] !== undefined && {
      description: typeof patch['description'] === 'string' ? patch['description'] : '',
    }),
    ...(typeof patch['enabled'] === 'boolean' && { enabled: patch['enabled'] }),
    ...(Array.isArray(patch['tags']) && { tags: patch['tags'] as string[] }),
    extra: { ...cur.extra, ...extrasOf(patch, known) },
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.updateProject(deps.store.db, next),
    () => duplicate('project', `Duplicate entry found with name ${next.name} at domain ID ${next.domainId}`),
  );
  return next;
}

/** Keystone deletes only leaves; a project with children is refused with 403. */
export async function deleteProject(deps: IdentityDeps, id: string): Promise<void> {
  await findProject(deps, id);
  await deps.store.db.transaction().execute(async (tx) => {
    if ((await store.countChildren(tx, id)) > 0) {
      throw new ForbiddenError(
        'identity.project.not_leaf',
        `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`,
      );
    }
    await store.deleteProject(tx, id);
  });
}

export { findDomain };
