import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityDeps } from '../identity-deps.js';
import { createEndpoint, listEndpoints } from './endpoint-service.js';
import * as service from './service-entry-service.js';
import { serviceEntryView } from './service-entry-view.js';
import { catalogTestDeps } from './testing/catalog-test-deps.js';

let deps: IdentityDeps;
beforeEach(async () => {
  deps = await catalogTestDeps();
});
afterEach(async () => {
  await deps.store.close();
});

describe('service-entry-service', () => {
  it('creates enabled with an empty name by default and keeps extras', async () => {
    const s = await service.createServiceEntry(deps, { type: 'compute', owner: 'ops' });
    expect(serviceEntryView(s, 'http://x')).toEqual({
      id: s.id,
      type: 'compute',
      name: '',
      description: '',
      enabled: true,
      owner: 'ops',
      links: { self: `http://x/v3/services/${s.id}` },
    });
  });

  it('filters by type and name', async () => {
    await service.createServiceEntry(deps, { type: 'compute', name: 'nova' });
    await service.createServiceEntry(deps, { type: 'image', name: 'glance' });
    expect((await service.listServiceEntries(deps, { type: 'image' })).map((s) => s.name)).toEqual([
      'glance',
    ]);
    expect((await service.listServiceEntries(deps, { name: 'nova' })).map((s) => s.type)).toEqual([
      'compute',
    ]);
  });

  it('updates fields, refuses a new id and answers 404 for unknown ids', async () => {
    const s = await service.createServiceEntry(deps, { type: 'compute', name: 'nova', description: 'd' });
    const next = await service.updateServiceEntry(deps, s.id, { enabled: false, description: null });
    expect(next).toMatchObject({ enabled: false, description: '', name: 'nova' });
    await expect(service.updateServiceEntry(deps, s.id, { id: 'x' })).rejects.toMatchObject({ status: 400 });
    await expect(service.findServiceEntry(deps, 'nope')).rejects.toMatchObject({
      status: 404,
      message: 'Could not find service: nope.',
    });
  });

  it('deletes the service with its endpoints', async () => {
    const s = await service.createServiceEntry(deps, { type: 'compute' });
    await createEndpoint(deps, { interface: 'public', service_id: s.id, url: 'http://c' });
    await service.deleteServiceEntry(deps, s.id);
    expect(await listEndpoints(deps, {})).toEqual([]);
    await expect(service.deleteServiceEntry(deps, s.id)).rejects.toMatchObject({ status: 404 });
  });
});
