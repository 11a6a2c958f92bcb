import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityDeps } from '../identity-deps.js';
import { ensureCatalogEntry, loadCatalog, scopeCatalog } from './catalog-service.js';
import { createEndpoint, listEndpoints, updateEndpoint } from './endpoint-service.js';
import { findRegion } from './region-service.js';
import { createServiceEntry, listServiceEntries, updateServiceEntry } from './service-entry-service.js';
import { catalogTestDeps } from './testing/catalog-test-deps.js';

let deps: IdentityDeps;
beforeEach(async () => {
  deps = await catalogTestDeps();
});
afterEach(async () => {
  await deps.store.close();
});

const identity = {
  type: 'identity',
  name: 'keystone',
  url: 'http://h:5000/identity/v3',
  regionId: 'RegionOne',
};

describe('catalog-service', () => {
  it('lists enabled services with enabled endpoints and omits empty services', async () => {
    await ensureCatalogEntry(deps, identity);
    const image = await createServiceEntry(deps, { type: 'image', name: 'glance' });
    await createServiceEntry(deps, { type: 'network', name: 'neutron' });
    const hidden = await createEndpoint(deps, { interface: 'public', service_id: image.id, url: 'http://g' });
    await updateEndpoint(deps, hidden.id, { enabled: false });
    const catalog = await loadCatalog(deps);
    expect(catalog).toHaveLength(1);
    expect(catalog[0]).toMatchObject({ type: 'identity', name: 'keystone' });
    expect(catalog[0]!.endpoints.map((e) => e.interface)).toEqual(['admin', 'internal', 'public']);
    expect(catalog[0]!.endpoints[0]).toEqual({
      id: expect.any(String),
      interface: 'admin',
      region: 'RegionOne',
      region_id: 'RegionOne',
      url: identity.url,
    });
    expect(Object.isFrozen(catalog)).toBe(true);
  });

  it('drops disabled services and sees changes made in this process at once', async () => {
    await ensureCatalogEntry(deps, identity);
    expect(await loadCatalog(deps)).toHaveLength(1);
    const [svc] = await listServiceEntries(deps, { type: 'identity' });
    await updateServiceEntry(deps, svc!.id, { enabled: false });
    expect(await loadCatalog(deps)).toEqual([]);
  });

  it('serves repeated reads from the cache', async () => {
    await ensureCatalogEntry(deps, identity);
    const first = await loadCatalog(deps);
    // A write behind the service layer's back is not seen until the cache expires.
    await deps.store.db.deleteFrom('endpoints').execute();
    expect(await loadCatalog(deps)).toBe(first);
  });

  it('is idempotent and creates the region once', async () => {
    await ensureCatalogEntry(deps, identity);
    await ensureCatalogEntry(deps, identity);
    expect(await listServiceEntries(deps, { type: 'identity' })).toHaveLength(1);
    expect(await listEndpoints(deps, {})).toHaveLength(3);
    await expect(findRegion(deps, 'RegionOne')).resolves.toMatchObject({ parentRegionId: null });
  });

  it('repoints existing endpoints when the URL changes and keeps their ids', async () => {
    await ensureCatalogEntry(deps, identity);
    const before = (await listEndpoints(deps, {})).map((e) => e.id).sort();
    await ensureCatalogEntry(deps, { ...identity, url: 'http://h:6000/identity/v3' });
    const after = await listEndpoints(deps, {});
    expect(after.map((e) => e.id).sort()).toEqual(before);
    expect(new Set(after.map((e) => e.url))).toEqual(new Set(['http://h:6000/identity/v3']));
    expect((await loadCatalog(deps))[0]!.endpoints[0]!.url).toBe('http://h:6000/identity/v3');
  });

  it('fills URL templates per token and drops what cannot be filled', async () => {
    await ensureCatalogEntry(deps, {
      ...identity,
      type: 'volumev3',
      name: 'cinder',
      url: 'http://h/v3/$(project_id)s',
    });
    await ensureCatalogEntry(deps, identity);
    const catalog = await loadCatalog(deps);
    const scoped = scopeCatalog(catalog, { userId: 'u', projectId: 'p1' });
    expect(scoped.find((s) => s.type === 'volumev3')!.endpoints[0]!.url).toBe('http://h/v3/p1');
    const domainScoped = scopeCatalog(catalog, { userId: 'u' });
    expect(domainScoped.map((s) => s.type)).toEqual(['identity']);
    const untemplated = catalog.filter((s) => s.type === 'identity');
    expect(scopeCatalog(untemplated, { userId: 'u' })).toBe(untemplated);
  });
});
