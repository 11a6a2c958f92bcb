import { ForbiddenError, NotFoundError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { IdentityDeps } from '../identity-deps.js';
import { duplicate, notFound } from '../identity-errors.js';
import type { Role } from './role-store.js';
import * as store from './role-store.js';

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
  guardImmutable(cur);
  const next: Role = {
    ...cur,
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.description !== undefined && { description: patch.description ?? '' }),
    ...(patch.options !== undefined && {
      options: { ...cur.options, ...(patch.options as Record<string, unknown>) },
    }),
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.updateRole(deps.store.db, next),
    () => duplicate('role', `Duplicate entry found with name ${next.name}`),
  );
  return next;
}

export async function deleteRole(deps: IdentityDeps, id: string): Promise<void> {
  guardImmutable(await findRole(deps, id));
  await deps.store.db.transaction().execute((tx) => store.deleteRole(tx, id));
}

/** Keystone's `immutable` option protects bootstrap roles from accidents. */
function guardImmutable(r: Role): void {
  if (r.options['immutable'] === true) {
    throw new ForbiddenError(
      'identity.role.immutable',
      `Role ${r.id} is immutable; unset the immutable option first.`,
    );
  }
}

export async function addImplication(
  deps: IdentityDeps,
  priorId: string,
  impliedId: string,
): Promise<{ prior: Role; implied: Role }> {
  const prior = await findRole(deps, priorId);
  const implied = await findRole(deps, impliedId);
  if (priorId === impliedId)
    throw new ForbiddenError('identity.role.self_implied', `${impliedId} cannot be an implied roles.`);
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
