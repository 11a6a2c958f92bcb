import { ForbiddenError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { IdentityDeps } from '../identity-deps.js';
import { duplicate, notFound } from '../identity-errors.js';
import { extrasOf } from '../identity-extras.js';
import type { Domain } from './domain-store.js';
import * as store from './domain-store.js';

const known = ['name', 'description', 'enabled', 'explicit_domain_id', 'tags', 'options'];

export async function findDomain(deps: IdentityDeps, id: string): Promise<Domain> {
  const d = await store.getDomain(deps.store.db, id);
  if (d === undefined) throw notFound('domain', id);
  return d;
}

/** A domain by id or, failing that, by name (what `{"domain": {"name": …}}` in auth means). */
export async function resolveDomain(
  deps: IdentityDeps,
  ref: { id?: string; name?: string },
): Promise<Domain | undefined> {
  if (ref.id !== undefined) return store.getDomain(deps.store.db, ref.id);
  if (ref.name !== undefined) return store.getDomainByName(deps.store.db, ref.name);
  return undefined;
}

export async function createDomain(
  deps: IdentityDeps,
  body: Record<string, unknown> & { name: string },
): Promise<Domain> {
  const domain: Domain = {
    id: typeof body['explicit_domain_id'] === 'string' ? body['explicit_domain_id'] : hexId(),
    name: body.name,
    description: typeof body['description'] === 'string' ? body['description'] : '',
    enabled: body['enabled'] !== false,
    extra: extrasOf(body, known),
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.insertDomain(deps.store.db, domain, deps.clock().toISOString()),
    () => duplicate('domain', `Duplicate entry found with name ${domain.name}`),
  );
  return domain;
}

export async function updateDomain(
  deps: IdentityDeps,
  id: string,
  patch: Record<string, unknown>,
): Promise<Domain> {
  const cur = await findDomain(deps, id);
  const next: Domain = {
    ...cur,
    ...(typeof patch['name'] === 'string' && { name: patch['name'] }),
    ...(patch['description'] !== undefined && {
      description: typeof patch['description'] === 'string' ? patch['description'] : '',
    }),
    ...(typeof patch['enabled'] === 'boolean' && { enabled: patch['enabled'] }),
    extra: { ...cur.extra, ...extrasOf(patch, known) },
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.updateDomain(deps.store.db, next),
    () => duplicate('domain', `Duplicate entry found with name ${next.name}`),
  );
  return next;
}

/** Keystone refuses to delete an enabled domain; a disabled one goes with everything in it. */
export async function deleteDomain(deps: IdentityDeps, id: string): Promise<void> {
  const d = await findDomain(deps, id);
  if (d.enabled) {
    throw new ForbiddenError(
      'identity.domain.enabled',
      'Cannot delete a domain that is enabled, please disable it first.',
    );
  }
  await deps.store.db.transaction().execute(async (tx) => {
    const projectIds = (
      await tx.selectFrom('projects').select('id').where('domain_id', '=', id).execute()
    ).map((r) => r.id);
    const targets = [id, ...projectIds];
    await tx.deleteFrom('role_assignments').where('target_id', 'in', targets).execute();
    // Children before parents: clear parent links, then delete.
    await tx.updateTable('projects').set({ parent_id: null }).where('domain_id', '=', id).execute();
    await tx.deleteFrom('projects').where('domain_id', '=', id).execute();
    const userIds = (await tx.selectFrom('users').select('id').where('domain_id', '=', id).execute()).map(
      (r) => r.id,
    );
    const groupIds = (await tx.selectFrom('groups').select('id').where('domain_id', '=', id).execute()).map(
      (r) => r.id,
    );
    const actors = [...userIds, ...groupIds];
    if (actors.length > 0) await tx.deleteFrom('role_assignments').where('actor_id', 'in', actors).execute();
    await tx.deleteFrom('users').where('domain_id', '=', id).execute();
    await tx.deleteFrom('groups').where('domain_id', '=', id).execute();
    await tx.deleteFrom('roles').where('domain_id', '=', id).execute();
    await store.deleteDomain(tx, id);
  });
}
