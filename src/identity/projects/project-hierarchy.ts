import { ForbiddenError, InputError } from '../../common/errors.js';
import type { Domain } from '../domains/domain-store.js';
import * as domainStore from '../domains/domain-store.js';
import type { IdentityDeps } from '../identity-deps.js';
import type { Project } from './project-store.js';
import * as store from './project-store.js';

/** Keystone's default [DEFAULT] max_project_tree_depth. */
export const defaultMaxProjectTreeDepth = 5;

/**
 * Keystone's rules for a new project under `parent` (undefined: top level in `domain`):
 * every project above it, its domain included, is enabled (400), and it sits no deeper
 * than max_project_tree_depth levels (403).
 */
export async function assertBranchAccepts(
  deps: IdentityDeps,
  domain: Domain,
  parent: Project | undefined,
): Promise<void> {
  const above = parent === undefined ? [] : await store.projectAncestors(deps.store.db, parent);
  // Keystone's order: the parent's ancestors nearest first, the domain, then the parent.
  const branch = [...above, domain, ...(parent === undefined ? [] : [parent])];
  const disabled = branch.find((p) => !p.enabled);
  if (disabled !== undefined) {
    throw new InputError(
      'identity.project.disabled_branch',
      `cannot create a project in a branch containing a disabled project: ${disabled.id}`,
    );
  }
  const level = parent === undefined ? 1 : above.length + 2;
  if (level > (deps.settings.maxProjectTreeDepth ?? defaultMaxProjectTreeDepth)) {
    throw new ForbiddenError(
      'identity.project.max_depth',
      `Max hierarchy depth reached for ${parent?.id ?? domain.id} branch.`,
    );
  }
}

/**
 * Keystone's rules for flipping `enabled` (both 403): a project is enabled only under
 * enabled parents and domain, and disabled only once its whole subtree is disabled.
 */
export async function assertEnabledChange(deps: IdentityDeps, cur: Project, enabled: boolean): Promise<void> {
  if (enabled === cur.enabled) return;
  const db = deps.store.db;
  if (enabled) {
    const parents = [
      ...(await store.projectAncestors(db, cur)),
      await domainStore.getDomain(db, cur.domainId),
    ];
    if (parents.some((p) => p?.enabled === false)) {
      throw new ForbiddenError(
        'identity.project.disabled_parents',
        `Cannot enable project ${cur.id} since it has disabled parents`,
      );
    }
  } else if (await store.hasEnabledDescendant(db, cur.id)) {
    throw new ForbiddenError(
      'identity.project.enabled_subtree',
      `Cannot disable project ${cur.id} since its subtree contains enabled projects.`,
    );
  }
}
