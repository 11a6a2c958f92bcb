import { hexId } from '../../common/ids.js';
import type { IdentityDeps } from '../identity-deps.js';
import { cachedCatalog, invalidateCatalog } from './catalog-cache.js';
import type { CatalogRow, EndpointInterface } from './endpoint-store.js';
import * as endpointStore from './endpoint-store.js';
import { formatEndpointUrl, isTemplated } from './endpoint-url.js';
import * as regionStore from './region-store.js';
import * as serviceEntryStore from './service-entry-store.js';
import type { Db } from '../../db/db-handle.js';

export interface CatalogEndpoint {
  readonly id: string;
  readonly interface: string;
  readonly region: string | null;
  readonly region_id: string | null;
  readonly url: string;
}

export interface CatalogEntry {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly endpoints: ReadonlyArray<CatalogEndpoint>;
}

export interface CatalogRegistration {
  readonly type: string;
  readonly name: string;
  readonly url: string;
  readonly regionId: string;
  readonly description?: string;
}

/** Other API processes may change the catalog; this bounds how long their changes take to show. */
const cacheTtlMs = 2000;
const interfaces: ReadonlyArray<EndpointInterface> = ['public', 'internal', 'admin'];

/**
 * The catalog as it appears in a token and in GET /v3/auth/catalog: enabled services with
 * their enabled endpoints. Services with no endpoints are omitted. The result is frozen and
 * shared between callers, so it is cheap on every token validation.
 */
export function loadCatalog(deps: IdentityDeps): Promise<ReadonlyArray<CatalogEntry>> {
  return cachedCatalog(deps, cacheTtlMs, async () =>
    toCatalog(await endpointStore.listCatalogRows(deps.store.db)),
  );
}

function toCatalog(rows: ReadonlyArray<CatalogRow>): ReadonlyArray<CatalogEntry> {
  const entries: Array<{ id: string; type: string; name: string; endpoints: CatalogEndpoint[] }> = [];
  for (const r of rows) {
    let entry = entries.at(-1);
    if (entry?.id !== r.serviceId) {
      entry = { id: r.serviceId, type: r.type, name: r.name, endpoints: [] };
      entries.push(entry);
    }
    const ep = {
      id: r.endpointId,
      interface: r.interface,
      region: r.regionId,
      region_id: r.regionId,
      url: r.url,
    };
    entry.endpoints.push(Object.freeze(ep));
  }
  return Object.freeze(entries.map((e) => Object.freeze({ ...e, endpoints: Object.freeze(e.endpoints) })));
}

/**
 * Fills `$(project_id)s`-style templates for one token. Endpoints whose template cannot be
 * filled (no project in a domain-scoped token) are dropped, as Keystone does, and so are
 * services left without endpoints. Returns `catalog` itself when nothing is templated.
 */
export function scopeCatalog(
  catalog: ReadonlyArray<CatalogEntry>,
  ids: { readonly userId: string; readonly projectId?: string | undefined },
): ReadonlyArray<CatalogEntry> {
  if (!catalog.some((s) => s.endpoints.some((e) => isTemplated(e.url)))) return catalog;
  const values = { user_id: ids.userId, project_id: ids.projectId, tenant_id: ids.projectId };
  const out: CatalogEntry[] = [];
  for (const s of catalog) {
    const endpoints = s.endpoints.flatMap((e) => {
      const url = isTemplated(e.url) ? formatEndpointUrl(e.url, values) : e.url;
      return url === undefined ? [] : [{ ...e, url }];
    });
    if (endpoints.length > 0) out.push({ ...s, endpoints });
  }
  return out;
}

/**
 * Creates (idempotently, matching by service type) a service with public/internal/admin
 * endpoints at `url` in `regionId`, creating the region if missing. Runs at every start so
 * the catalog lists every service that exists; if the service exists with a different URL
 * (port changed), its endpoints in that region are repointed. Operator choices such as
 * disabling a service or endpoint are left alone.
 */
export async function ensureCatalogEntry(deps: IdentityDeps, entry: CatalogRegistration): Promise<void> {
  await deps.store.db.transaction().execute(async (tx) => {
    if ((await regionStore.getRegion(tx, entry.regionId)) === undefined) {
      await regionStore.insertRegion(tx, {
        id: entry.regionId,
        description: '',
        parentRegionId: null,
        extra: {},
      });
    }
    const serviceId = await ensureServiceEntry(tx, entry);
    await ensureEndpoints(tx, serviceId, entry);
  });
  invalidateCatalog(deps);
}

/** The service of this type (preferring the same name), created when there is none. */
async function ensureServiceEntry(db: Db, entry: CatalogRegistration): Promise<string> {
  const existing = await serviceEntryStore.listServiceEntries(db, { type: entry.type });
  const match = existing.find((s) => s.name === entry.name) ?? existing[0];
  if (match !== undefined) return match.id;
  const id = hexId();
  await serviceEntryStore.insertServiceEntry(db, {
    id,
    type: entry.type,
    name: entry.name,
    description: entry.description ?? '',
    enabled: true,
    extra: {},
  });
  return id;
}

async function ensureEndpoints(db: Db, serviceId: string, entry: CatalogRegistration): Promise<void> {
  const existing = await endpointStore.listEndpoints(db, { serviceId, regionId: entry.regionId });
  for (const iface of interfaces) {
    const mine = existing.filter((e) => e.interface === iface);
    if (mine.length === 0) {
      await endpointStore.insertEndpoint(db, {
        id: hexId(),
        serviceId,
        regionId: entry.regionId,
        interface: iface,
        url: entry.url,
        enabled: true,
        extra: {},
      });
    }
    for (const e of mine)
      if (e.url !== entry.url) await endpointStore.updateEndpoint(db, { ...e, url: entry.url });
  }
}
