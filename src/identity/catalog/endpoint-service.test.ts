import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityDeps } from '../identity-deps.js';
import * as service from './endpoint-service.js';
import { endpointView } from './endpoint-view.js';
import { createRegion, findRegion } from './region-service.js';
import { createServiceEntry } from './service-entry-service.js';
import { catalogTestDeps } from './testing/catalog-test-deps.js';

let deps: IdentityDeps;
let serviceId: string;
beforeEach(async () => {
  deps = await catalogTestDeps();
  serviceId = (await createServiceEntry(deps, { type: 'compute', name: 'nova' })).id;
  await createRegion(deps, { id: 'RegionOne' });
});
afterEach(async () => {
  await deps.store.close();
});

const missingMessage = (field: string, table: string) =>
  `Expecting to find endpoint ${field} in ${table} table. The server could not comply with the request since it is` +
  ' either malformed or otherwise incorrect. The client is assumed to be in error.';

describe('endpoint-service', () => {
  it('creates an endpoint and renders region twice, as Keystone does', async () => {
    const e = await service.createEndpoint(deps, {
      interface: 'public',
      service_id: serviceId,
      url: 'http://h:8774/v2.1',
      region_id: 'RegionOne',
    });
    expect(endpointView(e, 'http://x')).toEqual({
      id: e.id,
      interface: 'public',
      region: 'RegionOne',
      region_id: 'RegionOne',
      service_id: serviceId,
      url: 'http://h:8774/v2.1',
      enabled: true,
      links: { self: `http://x/v3/endpoints/${e.id}` },
    });
  });

  it('answers 400 for an unknown service or region_id', async () => {
    await expect(
      service.createEndpoint(deps, { interface: 'public', service_id: 'nope', url: 'http://h' }),
    ).rejects.toMatchObject({ status: 400, message: missingMessage('service_id', 'service') });
    await expect(
      service.createEndpoint(deps, {
        interface: 'public',
        service_id: serviceId,
        url: 'http://h',
        region_id: 'Mars',
      }),
    ).rejects.toMatchObject({ status: 400, message: missingMessage('region_id', 'region') });
  });

  it('creates the region named by the legacy region field', async () => {
    const e = await service.createEndpoint(deps, {
      interface: 'admin',
      service_id: serviceId,
      url: 'http://h',
      region: 'Two',
    });
    expect(e.regionId).toBe('Two');
    await expect(findRegion(deps, 'Two')).resolves.toMatchObject({ id: 'Two' });
    expect(e.extra).toEqual({});
  });

  it('accepts whitelisted URL substitutions and rejects others', async () => {
    const ok = { interface: 'public' as const, service_id: serviceId };
    await expect(
      service.createEndpoint(deps, { ...ok, url: 'http://h/v3/$(project_id)s' }),
    ).resolves.toBeDefined();
    await expect(
      service.createEndpoint(deps, { ...ok, url: 'http://h/$(admin_token)s' }),
    ).rejects.toMatchObject({
      status: 400,
      message: 'Cannot create an endpoint with an invalid URL: http://h/$(admin_token)s.',
    });
    await expect(service.createEndpoint(deps, { ...ok, url: 'http://h/a%20b' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('updates fields, validating references, and filters lists', async () => {
    const e = await service.createEndpoint(deps, {
      interface: 'public',
      service_id: serviceId,
      url: 'http://h',
    });
    await service.createEndpoint(deps, { interface: 'internal', service_id: serviceId, url: 'http://i' });
    const next = await service.updateEndpoint(deps, e.id, {
      url: 'http://g',
      enabled: false,
      region_id: 'RegionOne',
    });
    expect(next).toMatchObject({
      url: 'http://g',
      enabled: false,
      regionId: 'RegionOne',
      interface: 'public',
    });
    await expect(service.updateEndpoint(deps, e.id, { service_id: 'nope' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(service.updateEndpoint(deps, e.id, { id: 'other' })).rejects.toMatchObject({ status: 400 });
    await expect(service.updateEndpoint(deps, 'nope', { url: 'http://g' })).rejects.toMatchObject({
      status: 404,
    });
    expect((await service.listEndpoints(deps, { interface: 'internal' })).map((x) => x.url)).toEqual([
      'http://i',
    ]);
    expect((await service.listEndpoints(deps, { regionId: 'RegionOne' })).map((x) => x.id)).toEqual([e.id]);
    expect(await service.listEndpoints(deps, { serviceId: 'other' })).toEqual([]);
  });

  it('deletes an endpoint and answers 404 afterwards', async () => {
    const e = await service.createEndpoint(deps, {
      interface: 'public',
      service_id: serviceId,
      url: 'http://h',
    });
    await service.deleteEndpoint(deps, e.id);
    await expect(service.findEndpoint(deps, e.id)).rejects.toMatchObject({
      status: 404,
      message: `Could not find endpoint: ${e.id}.`,
    });
  });
});
