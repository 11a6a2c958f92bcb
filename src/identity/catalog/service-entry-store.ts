import type { ServiceTable } from '../../db/schema.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

/** A catalog service (Keystone's `service`), named so it is not confused with a `*-service.ts` module. */
export interface ServiceEntry {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly extra: Readonly<Record<string, unknown>>;
}

const columns = ['id', 'type', 'name', 'description', 'enabled', 'extra'] as const;

const toEntry = (r: Readonly<ServiceTable>): ServiceEntry => ({
  id: r.id,
  type: r.type,
  name: r.name,
  description: r.description,
  enabled: isSet(r.enabled),
  extra: parseJson(r.extra, {}),
});

const toRow = (s: ServiceEntry): ServiceTable => ({
  id: s.id,
  type: s.type,
  name: s.name,
  description: s.description,
  enabled: flag(s.enabled),
  extra: JSON.stringify(s.extra),
});

export async function getServiceEntry(db: Db, id: string): Promise<ServiceEntry | undefined> {
  const r = await db.selectFrom('services').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toEntry(r);
}

export async function listServiceEntries(
  db: Db,
  f: { type?: string; name?: string },
): Promise<ServiceEntry[]> {
  let q = db.selectFrom('services').select(columns).orderBy('type').orderBy('name').orderBy('id');
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  return (await q.execute()).map(toEntry);
}

export async function insertServiceEntry(db: Db, s: ServiceEntry): Promise<void> {
  await db.insertInto('services').values(toRow(s)).execute();
}

export async function updateServiceEntry(db: Db, s: ServiceEntry): Promise<void> {
  await db.updateTable('services').set(toRow(s)).where('id', '=', s.id).execute();
}

/** Removes the service with its endpoints (Keystone deletes them with it). */
export async function deleteServiceEntry(db: Db, id: string): Promise<void> {
  await db.deleteFrom('endpoints').where('service_id', '=', id).execute();
  await db.deleteFrom('services').where('id', '=', id).execute();
}
