import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Aggregate } from './aggregate-store.js';
import * as store from './aggregate-store.js';
import { checkZoneChange } from './aggregate-zone-rules.js';

export const notFound = (id: number) =>
  new NotFoundError('compute.aggregate.not_found', `Aggregate ${id} could not be found.`);
const nameExists = (name: string) =>
  new ConflictError('compute.aggregate.name_exists', `Aggregate ${name} already exists.`);

/** oslo's validate_integer on the path id: Python's int() of the text, blanks around allowed. */
export function aggregateId(raw: string): number {
  const t = raw.trim();
  if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(Number(t)))
    throw new InputError('compute.aggregate.bad_id', 'Invalid input received: id must be an integer');
  return Number(t);
}

export function listAggregates(deps: ComputeDeps): Promise<Aggregate[]> {
  return store.listAggregates(deps.store.db);
}

export async function showAggregate(deps: ComputeDeps, id: number): Promise<Aggregate> {
  const a = await store.getAggregate(deps.store.db, id);
  if (a === undefined) throw notFound(id);
  return a;
}

/** Creates an aggregate, in the zone when one is given (Nova keeps it as metadata). */
export async function createAggregate(
  deps: ComputeDeps,
  name: string,
  zone: string | null | undefined,
): Promise<Aggregate> {
  const at = deps.clock().toISOString();
  const id = await deps.store.db.transaction().execute(async (tx) => {
    if (await store.nameTaken(tx, name)) throw nameExists(name);
    return store.insertAggregate(tx, { uuid: uuid(), name, createdAt: at, zone: zone || undefined });
  });
  return showAggregate(deps, id);
}

/** PUT: a new name and/or zone; the zone obeys the same rules as set_metadata. */
export async function updateAggregate(
  deps: ComputeDeps,
  id: number,
  changes: { readonly name?: string; readonly availability_zone?: string | null },
): Promise<Aggregate> {
  const at = deps.clock().toISOString();
  await deps.store.db.transaction().execute(async (tx) => {
    const a = await store.getAggregate(tx, id);
    if (a === undefined) throw notFound(id);
    const { name, ...metadata } = changes;
    if (name !== undefined && (await store.nameTaken(tx, name, id))) throw nameExists(name);
    await checkZoneChange(tx, a, metadata, { action: 'update', noServersMoved: true });
    if (name !== undefined) await store.renameAggregate(tx, id, name, at);
    if (store.zoneKey in metadata) await applyMetadata(tx, a, metadata, at);
  });
  deps.signals.hostsChanged();
  return showAggregate(deps, id);
}

/** set_metadata: null removes a key; a zone change is checked as Nova does. */
export async function setMetadata(
  deps: ComputeDeps,
  id: number,
  metadata: Readonly<Record<string, string | null>>,
): Promise<Aggregate> {
  const at = deps.clock().toISOString();
  await deps.store.db.transaction().execute(async (tx) => {
    const a = await store.getAggregate(tx, id);
    if (a === undefined) throw notFound(id);
    await checkZoneChange(tx, a, metadata, { action: 'set_metadata', noServersMoved: true });
    await applyMetadata(tx, a, metadata, at);
  });
  deps.signals.hostsChanged();
  return showAggregate(deps, id);
}

async function applyMetadata(
  tx: Db,
  a: Aggregate,
  metadata: Readonly<Record<string, string | null>>,
  at: string,
): Promise<void> {
  await store.updateMetadata(tx, a.id, metadata, at);
  if (store.zoneKey in metadata) await store.refreshHostZones(tx, a.hosts);
}

/** An aggregate that still has hosts is refused, with Nova's (odd) wording. */
export async function deleteAggregate(deps: ComputeDeps, id: number): Promise<void> {
  await deps.store.db.transaction().execute(async (tx) => {
    const a = await store.getAggregate(tx, id);
    if (a === undefined) throw notFound(id);
    if (a.hosts.length > 0)
      throw new InputError(
        'compute.aggregate.not_empty',
        `Cannot remove host from aggregate ${id}. Reason: Host aggregate is not empty.`,
      );
    await store.deleteAggregate(tx, id);
  });
}
