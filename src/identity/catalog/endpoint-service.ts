import { InputError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import type { IdentityDeps } from '../identity-deps.js';
import { notFound } from '../identity-errors.js';
import { extrasOf } from '../identity-extras.js';
import { invalidateCatalog } from './catalog-cache.js';
import type { Endpoint, EndpointFilter, EndpointInterface } from './endpoint-store.js';
import * as store from './endpoint-store.js';
import { checkEndpointUrl } from './endpoint-url.js';
import * as regionStore from './region-store.js';
import * as serviceEntryStore from './service-entry-store.js';
import type { Db } from '../../db/db-handle.js';

const known = ['interface', 'region_id', 'region', 'service_id', 'url', 'enabled'];

export interface EndpointBody {
  readonly id?: unknown;
  readonly interface?: EndpointInterface;
  readonly region_id?: string;
  /** Pre-v3 spelling of region_id; Keystone creates the region when it is missing. */
  readonly region?: string;
  readonly service_id?: string;
  readonly url?: string;
  readonly enabled?: boolean;
  readonly [extra: string]: unknown;
}

export type EndpointCreate = EndpointBody & { interface: EndpointInterface; service_id: string; url: string };

export async function findEndpoint(deps: IdentityDeps, id: string): Promise<Endpoint> {
  const e = await store.getEndpoint(deps.store.db, id);
  if (e === undefined) throw notFound('endpoint', id);
  return e;
}

export function listEndpoints(deps: IdentityDeps, filter: EndpointFilter): Promise<Endpoint[]> {
  return store.listEndpoints(deps.store.db, filter);
}

/** The service must exist and so must `region_id`; either missing is 400, as in Keystone. */
export async function createEndpoint(deps: IdentityDeps, body: EndpointCreate): Promise<Endpoint> {
  checkEndpointUrl(body.url);
  const endpoint = await deps.store.db.transaction().execute(async (tx) => {
    const e: Endpoint = {
      id: hexId(),
      serviceId: await requireServiceEntry(tx, body.service_id),
      regionId: (await resolveRegion(tx, body)) ?? null,
      interface: body.interface,
      url: body.url,
      enabled: body.enabled ?? true,
      extra: extrasOf(body, known),
    };
    await store.insertEndpoint(tx, e);
    return e;
  });
  invalidateCatalog(deps);
  return endpoint;
}

export async function updateEndpoint(deps: IdentityDeps, id: string, patch: EndpointBody): Promise<Endpoint> {
  if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
    throw new InputError('identity.endpoint.id_immutable', 'Cannot change ID');
  }
  if (patch.url !== undefined) checkEndpointUrl(patch.url);
  const next = await deps.store.db.transaction().execute(async (tx) => {
    const cur = await store.getEndpoint(tx, id);
    if (cur === undefined) throw notFound('endpoint', id);
    const regionId = await resolveRegion(tx, patch);
    const e: Endpoint = {
      ...cur,
      ...(patch.service_id !== undefined && { serviceId: await requireServiceEntry(tx, patch.service_id) }),
      ...(regionId !== undefined && { regionId }),
      ...(patch.interface !== undefined && { interface: patch.interface }),
      ...(patch.url !== undefined && { url: patch.url }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled }),
      extra: { ...cur.extra, ...extrasOf(patch, known) },
    };
    await store.updateEndpoint(tx, e);
    return e;
  });
  invalidateCatalog(deps);
  return next;
}

export async function deleteEndpoint(deps: IdentityDeps, id: string): Promise<void> {
  await findEndpoint(deps, id);
  await store.deleteEndpoint(deps.store.db, id);
  invalidateCatalog(deps);
}

/** The region the body names, undefined when it names none. */
async function resolveRegion(db: Db, body: EndpointBody): Promise<string | undefined> {
  if (body.region_id !== undefined) {
    if ((await regionStore.getRegion(db, body.region_id)) === undefined)
      throw missingRef('region_id', 'region');
    return body.region_id;
  }
  if (body.region === undefined) return undefined;
  if ((await regionStore.getRegion(db, body.region)) === undefined) {
    await regionStore.insertRegion(db, { id: body.region, description: '', parentRegionId: null, extra: {} });
  }
  return body.region;
}

async function requireServiceEntry(db: Db, id: string): Promise<string> {
  if ((await serviceEntryStore.getServiceEntry(db, id)) === undefined)
    throw missingRef('service_id', 'service');
  return id;
}

/** Keystone answers a dangling reference with its generic 400 ValidationError text. */
function missingRef(field: string, table: string): InputError {
  return new InputError(
    `identity.endpoint.bad_${field}`,
    `Expecting to find endpoint ${field} in ${table} table. The server could not comply with the request` +
      ' since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
  );
}
