import { ForbiddenError, NotFoundError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { IdentityDeps } from '../identity-deps.js';
import { duplicate, notFound } from '../identity-errors.js';
import type { Role } from './role-store.js';
import * as store from './role-store.js';

const prohibitedImpliedRoles: ReadonlyArray<string> = ['admin'];

export async function findRole(deps: IdentityDeps, id: string): Promise<Role> {
  const r = await store.getRole(deps.store.db, id);
  if (r === undefined) throw notFound('role', id);
  return r;
}

export async function createRole(
  deps: IdentityDeps,
  body: { name: string; domain_id?: string | null; description?: string | null; options?: object },
): Promise<Role> {
  const role: Role = {
    id: hexId(),
    name: body.name,
    domainId: body.domain_id ?? null,
    description: body.description ?? '',
    options: (body.options as Record<string, unknown> | undefined) ?? {},
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.insertRole(deps.store.db, role, deps.clock().toISOString()),
    () => duplicate('role', `Duplicate entry found with name ${role.name}`),
  );
  return role;
}

export async function updateRole(
  deps: IdentityDeps,
  id: string,
  patch: { name?: string; description?: string | null; options?: object },
): Promise<Role> {
  const cur = await findRole(deps, id);
  if (cur.options['immutable'] === true && !unsetsImmutableOnly(patch)) throw immutableRole('update', id);
  const next: Role = {
    ...cur,
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.description !== undefined && { description: patch.description ?? '' }),
    ...(patch.options !== undefined && { options: mergeOptions(cur.options, patch.options) }),
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.updateRole(deps.store.db, next),
    () => duplicate('role', `Duplicate entry found with name ${next.name}`),
  );
  return next;
}

export async function deleteRole(deps: IdentityDeps, id: string): Promise<void> {
  if ((await findRole(deps, id)).options['immutable'] === true) throw immutableRole('delete', id);
  await deps.store.db.transaction().execute((tx) => store.deleteRole(tx, id));
}

/** A null option is removed, as Keystone's resource options are. */
function mergeOptions(cur: Record<string, unknown>, patch: object): Record<string, unknown> {
  const next: Record<string, unknown> = { ...cur, ...(patch as Record<string, unknown>) };
  for (const [k, v] of Object.entries(next)) if (v === null) delete next[k];
  return next;
}

/** Keystone's `immutable` option protects bootstrap roles from accidents. */
function immutableRole(verb: 'update' | 'delete', id: string): ForbiddenError {
  return new ForbiddenError(
    'identity.role.immutable',
    `Unable to ${verb} immutable role resource: \`${id}. Set resource option "immutable" to false first.`,
  );
}

/** The one change an immutable role takes: its immutable option set to false (or null), alone. */
function unsetsImmutableOnly(patch: {
  name?: string;
  description?: string | null;
  options?: object;
}): boolean {
  const options = (patch.options ?? {}) as Record<string, unknown>;
  return (
    Object.keys(patch).length === 1 &&
    Object.hasOwn(options, 'immutable') &&
    (options['immutable'] === false || options['immutable'] === null)
  );
}

export async function addImplication(
  deps: IdentityDeps,
  priorId: string,
  impliedId: string,
): Promise<{ prior: Role; implied: Role }> {
  const prior = await findRole(deps, priorId);
  const implied = await findRole(deps, impliedId);
  // Keystone's [assignment] prohibited_implied_role: no grant may quietly carry admin.
  if (priorId === impliedId || prohibitedImpliedRoles.includes(implied.name))
    throw new ForbiddenError('identity.role.implied_prohibited', `${impliedId} cannot be an implied roles.`);
  if (prior.domainId === null && implied.domainId !== null)
    throw new ForbiddenError(
      'identity.role.implied_domain_role',
      'Global role cannot imply a domain-specific role',
    );
  await store.insertImplication(deps.store.db, priorId, impliedId);
  return { prior, implied };
}

export async function removeImplication(
  deps: IdentityDeps,
  priorId: string,
  impliedId: string,
): Promise<void> {
  if ((await store.deleteImplication(deps.store.db, priorId, impliedId)) === 0) {
    throw notFoundImplication(priorId, impliedId);
  }
}

export async function checkImplication(
  deps: IdentityDeps,
  priorId: string,
  impliedId: string,
): Promise<{ prior: Role; implied: Role }> {
  const rules = await store.listImplications(deps.store.db, priorId);
  if (!rules.some((r) => r.implied === impliedId)) throw notFoundImplication(priorId, impliedId);
  return { prior: await findRole(deps, priorId), implied: await findRole(deps, impliedId) };
}

function notFoundImplication(prior: string, implied: string): NotFoundError {
  return new NotFoundError('identity.implied_role.not_found', `${prior} does not imply ${implied}.`);
}

/** Expands role ids through implication rules (transitively), keeping the originals. */
export function expandImplied(
  roleIds: Iterable<string>,
  rules: ReadonlyArray<{ prior: string; implied: string }>,
): Set<string> {
  const out = new Set(roleIds);
  const queue = [...out];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const r of rules) {
      if (r.prior === id && !out.has(r.implied)) {
        out.add(r.implied);
        queue.push(r.implied);
      }
    }
  }
  return out;
}
