import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityDeps } from '../identity-deps.js';
import { createEndpoint } from './endpoint-service.js';
import * as service from './region-service.js';
import { regionView } from './region-view.js';
import { createServiceEntry } from './service-entry-service.js';
import { catalogTestDeps } from './testing/catalog-test-deps.js';

let deps: IdentityDeps;
beforeEach(async () => {
  deps = await catalogTestDeps();
});
afterEach(async () => {
  await deps.store.close();
});

describe('region-service', () => {
  it('creates with a given, URL or generated id and renders Keystone JSON', async () => {
    const r = await service.createRegion(deps, { id: 'RegionOne', description: null, zone: 'a' });
    expect(regionView(r, 'http://x')).toEqual({
      id: 'RegionOne',
      description: '',
      parent_region_id: null,
      zone: 'a',
      links: { self: 'http://x/v3/regions/RegionOne' },
    });
    expect((await service.createRegion(deps, {}, 'Put')).id).toBe('Put');
    expect((await service.createRegion(deps, {})).id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('rejects a taken id with 409, a missing parent with 404 and conflicting ids with 400', async () => {
    await service.createRegion(deps, { id: 'r1' });
    await expect(service.createRegion(deps, { id: 'r1' })).rejects.toMatchObject({
      status: 409,
      message: 'Conflict occurred attempting to store region - Duplicate ID, r1..',
    });
    await expect(service.createRegion(deps, { id: 'r2', parent_region_id: 'nope' })).rejects.toMatchObject({
      status: 404,
      message: 'Could not find region: nope.',
    });
    await expect(service.createRegion(deps, { id: 'a' }, 'b')).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a parent that would close a loop', async () => {
    await service.createRegion(deps, { id: 'top' });
    await service.createRegion(deps, { id: 'mid', parent_region_id: 'top' });
    await service.createRegion(deps, { id: 'leaf', parent_region_id: 'mid' });
    await expect(service.updateRegion(deps, 'top', { parent_region_id: 'leaf' })).rejects.toMatchObject({
      status: 400,
      message: 'The specified parent region leaf would create a circular region hierarchy.',
    });
    await expect(service.updateRegion(deps, 'top', { parent_region_id: 'top' })).rejects.toMatchObject({
      status: 400,
    });
    const moved = await service.updateRegion(deps, 'leaf', { parent_region_id: 'top', description: 'd' });
    expect(moved).toMatchObject({ parentRegionId: 'top', description: 'd' });
  });

  it('refuses to delete a region whose subtree has endpoints, with 403', async () => {
    await service.createRegion(deps, { id: 'top' });
    await service.createRegion(deps, { id: 'child', parent_region_id: 'top' });
    const s = await createServiceEntry(deps, { type: 'compute' });
    await createEndpoint(deps, {
      interface: 'public',
      service_id: s.id,
      url: 'http://c',
      region_id: 'child',
    });
    await expect(service.deleteRegion(deps, 'top')).rejects.toMatchObject({
      status: 403,
      message: 'Unable to delete region top because it or its child regions have associated endpoints.',
    });
    expect((await service.listRegions(deps, {})).map((r) => r.id)).toEqual(['child', 'top']);
  });

  it('deletes a region together with its child regions when none has endpoints', async () => {
    await service.createRegion(deps, { id: 'top' });
    await service.createRegion(deps, { id: 'child', parent_region_id: 'top' });
    await service.createRegion(deps, { id: 'grandchild', parent_region_id: 'child' });
    await service.createRegion(deps, { id: 'other' });
    expect((await service.listRegions(deps, { parentRegionId: 'top' })).map((r) => r.id)).toEqual(['child']);
    await service.deleteRegion(deps, 'top');
    expect((await service.listRegions(deps, {})).map((r) => r.id)).toEqual(['other']);
    await expect(service.deleteRegion(deps, 'top')).rejects.toMatchObject({ status: 404 });
  });
});
