import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createImage } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';

const registration = {
  hostname: 'far-1',
  driver: 'fake',
  availabilityZone: 'nova',
  facts: { vcpus: 4, memoryMb: 4096, diskGb: 40, traits: ['CUSTOM_STRATA_VM'], details: {} },
  reserved: { vcpus: 0, memoryMb: 0, diskGb: 0 },
};

for (const dialect of testDialects()) {
  describe(`${dialect}: the agent API (/compute/agent/v1)`, () => {
    let t: TestCloud;
    let p: Personas;
    const call = (method: 'GET' | 'PUT' | 'POST', url: string, token: string, payload?: object) =>
      t.request({ method, url: `/compute/agent/v1${url}`, token, ...(payload && { payload }) });

    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('is for service credentials only: a project member gets 403 in Nova fault format', async () => {
      expectFault(await call('PUT', '/hosts/far-1', p.member, registration), 403);
      expectFault(await call('GET', '/hosts/far-1/servers', p.member), 403);
    });

    it('registers a host and refuses a malformed registration with 400', async () => {
      expect((await call('PUT', '/hosts/far-1', p.admin, registration)).statusCode).toBe(204);
      const bad = await call('PUT', '/hosts/far-1', p.admin, { ...registration, facts: { vcpus: -1 } });
      expectFault(bad, 400);
      const services = await t.request({ method: 'GET', url: '/compute/v2.1/os-services', token: p.admin });
      expect(services.json().services.map((s: { host: string }) => s.host)).toContain('far-1');
    });

    it("keeps the operator's allocation ratios when the host registers again (an agent restart)", async () => {
      expect((await call('PUT', '/hosts/far-1', p.admin, registration)).statusCode).toBe(204);
      const placement = (method: 'GET' | 'PUT', url: string, payload?: object) =>
        t.request({
          method,
          url: `/placement${url}`,
          token: p.admin,
          headers: { 'openstack-api-version': 'placement 1.26' },
          ...(payload && { payload }),
        });
      const rp = (await placement('GET', '/resource_providers?name=far-1')).json().resource_providers[0];
      const url = `/resource_providers/${rp.uuid}/inventories/VCPU`;
      const vcpu = (await placement('GET', url)).json();
      expect(vcpu.allocation_ratio).toBe(4);
      const set = await placement('PUT', url, { ...vcpu, allocation_ratio: 16 });
      expect(set.statusCode).toBe(200);
      const grown = { ...registration, facts: { ...registration.facts, vcpus: 8 } };
      expect((await call('PUT', '/hosts/far-1', p.admin, grown)).statusCode).toBe(204);
      expect((await placement('GET', url)).json()).toMatchObject({ total: 8, allocation_ratio: 16 });
    });

    it('answers 404 for a server not assigned to the host, and lists none', async () => {
      const id = '00000000-0000-4000-8000-000000000001';
      expectFault(await call('GET', `/hosts/far-1/servers/${id}`, p.admin), 404);
      expect((await call('GET', '/hosts/far-1/servers', p.admin)).json()).toEqual({ servers: [] });
      expect((await call('POST', '/deleted-servers', p.admin, { servers: [id] })).json()).toEqual({
        servers: [],
      });
    });

    it('relays a console log request to the host and its reply back', async () => {
      const before = (await call('GET', '/hosts/far-1/changes?after=0&wait_ms=0', p.admin)).json()
        .seq as number;
      const asked = t.cloud.compute.gateway.requestConsole('far-1', 'srv-c', 10);
      const polled = (await call('GET', `/hosts/far-1/changes?after=${before}&wait_ms=5000`, p.admin)).json();
      expect(polled.consoleRequests).toEqual([{ id: expect.any(String), serverId: 'srv-c', lines: 10 }]);
      const id = polled.consoleRequests[0].id as string;
      const reply = await call('POST', `/hosts/far-1/console-requests/${id}`, p.admin, { output: 'hello\n' });
      expect(reply.statusCode).toBe(204);
      expect(await asked).toBe('hello\n');
      expectFault(
        await call('POST', `/hosts/far-1/console-requests/${id}`, p.admin, { output: 'late' }),
        404,
      );
    });

    it("answers which of a host's cached images still exist, whoever owns them (live-images)", async () => {
      const shared = await createImage(t, p.admin, 'cached-public');
      const res = await t.request({
        method: 'POST',
        url: '/image/v2/images',
        token: p.member,
        payload: { name: 'cached-private', disk_format: 'raw', container_format: 'bare' },
      });
      expect(res.statusCode).toBe(201);
      const privateId = res.json().id as string;
      const unknown = '00000000-0000-4000-8000-0000000000ff';
      const ask = (ids: unknown) => call('POST', '/live-images', p.admin, { images: ids });
      expect((await ask([shared, privateId, unknown, shared])).json()).toEqual({
        images: [shared, privateId],
      });
      const del = await t.request({ method: 'DELETE', url: `/image/v2/images/${shared}`, token: p.admin });
      expect(del.statusCode).toBe(204);
      expect((await ask([shared, privateId])).json()).toEqual({ images: [privateId] });
      expectFault(await call('POST', '/live-images', p.member, { images: [privateId] }), 403);
      expectFault(await ask('not a list'), 400);
      expectFault(await ask(Array.from({ length: 1001 }, () => unknown)), 400);
    });

    it('long-polls change notices: returns at once when there are some, else after the wait', async () => {
      const first = (await call('GET', '/hosts/far-1/changes?after=0&wait_ms=0', p.admin)).json();
      expect(first).toMatchObject({ serverIds: [], resync: false });
      const waiting = call('GET', `/hosts/far-1/changes?after=${first.seq}&wait_ms=5000`, p.admin);
      t.cloud.compute.gateway.notify('far-1', 'srv-a');
      const woke = (await waiting).json();
      expect(woke).toMatchObject({ serverIds: ['srv-a'], resync: false });
      expect(woke.seq).toBeGreaterThan(first.seq);
      const t0 = Date.now();
      const idle = (await call('GET', `/hosts/far-1/changes?after=${woke.seq}&wait_ms=200`, p.admin)).json();
      expect(idle.serverIds).toEqual([]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
      expect((await call('GET', '/hosts/far-1/changes?after=999999999', p.admin)).json().resync).toBe(true);
    });
  });
}
