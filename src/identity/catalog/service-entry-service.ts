import { InputError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import type { IdentityDeps } from '../identity-deps.js';
import { notFound } from '../identity-errors.js';
import { extrasOf } from '../identity-extras.js';
import { invalidateCatalog } from './catalog-cache.js';
import type { ServiceEntry } from './service-entry-store.js';
import * as store from './service-entry-store.js';

const known = ['type', 'name', 'description', 'enabled'];

export interface ServiceEntryBody {
  readonly id?: unknown;
  readonly type?: string;
  readonly name?: string;
  readonly description?: string | null;
  readonly enabled?: boolean;
  readonly [extra: string]: unknown;
}

export async function findServiceEntry(deps: IdentityDeps, id: string): Promise<ServiceEntry> {
  const s = await store.getServiceEntry(deps.store.db, id);
  if (s === undefined) throw notFound('service', id);
  return s;
}

export function listServiceEntries(
  deps: IdentityDeps,
  filter: { type?: string; name?: string },
): Promise<ServiceEntry[]> {
  return store.listServiceEntries(deps.store.db, filter);
}

/** Keystone defaults: enabled, and an empty name when none is given. */
export async function createServiceEntry(
  deps: IdentityDeps,
  body: ServiceEntryBody & { type: string },
): Promise<ServiceEntry> {
  const entry: ServiceEntry = {
    id: hexId(),
    type: body.type,
    name: body.name ?? '',
    description: body.description ?? '',
    enabled: body.enabled ?? true,
    extra: extrasOf(body, known),
  };
  await store.insertServiceEntry(deps.store.db, entry);
  invalidateCatalog(deps);
  return entry;
}

export async function updateServiceEntry(
  deps: IdentityDeps,
  id: string,
  patch: ServiceEntryBody,
): Promise<ServiceEntry> {
  if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
    throw new InputError('identity.service.id_immutable', 'Cannot change ID');
  }
  const cur = await findServiceEntry(deps, id);
  const next: ServiceEntry = {
    ...cur,
    ...(patch.type !== undefined && { type: patch.type }),
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.description !== undefined && { description: patch.description ?? '' }),
    ...(patch.enabled !== undefined && { enabled: patch.enabled }),
    extra: { ...cur.extra, ...extrasOf(patch, known) },
  };
  await store.updateServiceEntry(deps.store.db, next);
  invalidateCatalog(deps);
  return next;
}

/** The service's endpoints go with it, in the same transaction. */
export async function deleteServiceEntry(deps: IdentityDeps, id: string): Promise<void> {
  await findServiceEntry(deps, id);
  await deps.store.db.transaction().execute((tx) => store.deleteServiceEntry(tx, id));
  invalidateCatalog(deps);
}
