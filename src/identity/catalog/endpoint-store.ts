import type { EndpointTable } from '../../db/schema.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

export type EndpointInterface = EndpointTable['interface'];

export interface Endpoint {
  readonly id: string;
  readonly serviceId: string;
  readonly regionId: string | null;
  readonly interface: EndpointInterface;
  readonly url: string;
  readonly enabled: boolean;
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface EndpointFilter {
  readonly interface?: string;
  readonly serviceId?: string;
  readonly regionId?: string;
}

/** One enabled endpoint of an enabled service, as the token catalog needs it. */
export interface CatalogRow {
  readonly serviceId: string;
  readonly type: string;
  readonly name: string;
  readonly endpointId: string;
  readonly interface: string;
  readonly regionId: string | null;
  readonly url: string;
}

const columns = ['id', 'service_id', 'region_id', 'interface', 'url', 'enabled', 'extra'] as const;

const toEndpoint = (r: Readonly<EndpointTable>): Endpoint => ({
  id: r.id,
  serviceId: r.service_id,
  regionId: r.region_id,
  interface: r.interface,
  url: r.url,
  enabled: isSet(r.enabled),
  extra: parseJson(r.extra, {}),
});

const toRow = (e: Endpoint): EndpointTable => ({
  id: e.id,
  service_id: e.serviceId,
  region_id: e.regionId,
  interface: e.interface,
  url: e.url,
  enabled: flag(e.enabled),
  extra: JSON.stringify(e.extra),
});

export async function getEndpoint(db: Db, id: string): Promise<Endpoint | undefined> {
  const r = await db.selectFrom('endpoints').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toEndpoint(r);
}

export async function listEndpoints(db: Db, f: EndpointFilter): Promise<Endpoint[]> {
  let q = db.selectFrom('endpoints').select(columns).orderBy('service_id').orderBy('interface').orderBy('id');
  if (f.interface !== undefined) q = q.where('interface', '=', f.interface as EndpointInterface);
  if (f.serviceId !== undefined) q = q.where('service_id', '=', f.serviceId);
  if (f.regionId !== undefined) q = q.where('region_id', '=', f.regionId);
  return (await q.execute()).map(toEndpoint);
}

export async function insertEndpoint(db: Db, e: Endpoint): Promise<void> {
  await db.insertInto('endpoints').values(toRow(e)).execute();
}

export async function updateEndpoint(db: Db, e: Endpoint): Promise<void> {
  await db.updateTable('endpoints').set(toRow(e)).where('id', '=', e.id).execute();
}

export async function deleteEndpoint(db: Db, id: string): Promise<void> {
  await db.deleteFrom('endpoints').where('id', '=', id).execute();
}

/** One query for the whole token catalog, ordered so entries group by service. */
export async function listCatalogRows(db: Db): Promise<CatalogRow[]> {
  const rows = await db
    .selectFrom('endpoints as e')
    .innerJoin('services as s', 's.id', 'e.service_id')
    .select(['s.id as service_id', 's.type', 's.name', 'e.id', 'e.interface', 'e.region_id', 'e.url'])
    .where('s.enabled', '=', 1)
    .where('e.enabled', '=', 1)
    .orderBy('s.type')
    .orderBy('s.name')
    .orderBy('s.id')
    .orderBy('e.interface')
    .orderBy('e.region_id')
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({
    serviceId: r.service_id,
    type: r.type,
    name: r.name,
    endpointId: r.id,
    interface: r.interface,
    regionId: r.region_id,
    url: r.url,
  }));
}
