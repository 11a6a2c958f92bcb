import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

const shape = { vcpus: 4, memoryMb: 4096, diskGb: 40 }; // 8 servers of 512 MB each

for (const dialect of testDialects()) {
  describe(`${dialect}: scheduling on fake hosts`, () => {
    let t: TestCloud;
    let admin: string;
    let flavor: string;
    let image: string;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      await t.cloud.compute.agents.addFakeHosts(5, shape, { prefix: 'small', availabilityZone: 'burst' });
      flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
      image = await createImage(t, admin, 'img');
      const project = (
        await t.request({
          method: 'GET',
          url: '/identity/v3/auth/tokens',
          token: admin,
          headers: { 'x-subject-token': admin },
        })
      ).json().token.project.id;
      const quota = await t.request({
        method: 'PUT',
        url: `/compute/v2.1/os-quota-sets/${project}`,
        token: admin,
        payload: { quota_set: { instances: 1000, cores: 1000, ram: 1_000_000 } },
      });
      expect(quota.statusCode).toBe(200);
    });
    afterAll(async () => t?.close());

    it('never oversubscribes a host under a concurrent burst, and allocations match live servers', async () => {
      const ids = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          bootServer(t, admin, {
            name: `b${i}`,
            imageRef: image,
            flavorRef: flavor,
            availability_zone: 'burst',
          }),
        ),
      );
      const finals = await Promise.all(ids.map((id) => settle(t, admin, id)));
      const active = finals.filter((s) => s['status'] === 'ACTIVE');
      const errors = finals.filter((s) => s['status'] === 'ERROR');
      expect(active.length).toBe(40);
      expect(errors.length).toBe(20);
      const perHost = new Map<string, number>();
      for (const s of active)
        perHost.set(
          String(s['OS-EXT-SRV-ATTR:host']),
          (perHost.get(String(s['OS-EXT-SRV-ATTR:host'])) ?? 0) + 1,
        );
      expect([...perHost.values()].every((n) => n <= 8)).toBe(true);
      for (const s of errors) expect(await allocationsOf(t, admin, String(s['id']))).toEqual({});
      const providers = (
        await t.request({ method: 'GET', url: '/placement/resource_providers', token: admin })
      ).json().resource_providers as Array<{ uuid: string; name: string }>;
      for (const p of providers.filter((x) => x.name.startsWith('small-'))) {
        const usages = (
          await t.request({
            method: 'GET',
            url: `/placement/resource_providers/${p.uuid}/usages`,
            token: admin,
          })
        ).json().usages;
        expect(usages.MEMORY_MB).toBe((perHost.get(p.name) ?? 0) * 512);
        expect(usages.MEMORY_MB).toBeLessThanOrEqual(shape.memoryMb);
      }
      await Promise.all(
        ids.map((id) => t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin })),
      );
    });

    it('spreads an anti-affinity group over different hosts', async () => {
      const g = await t.request({
        method: 'POST',
        url: '/compute/v2.1/os-server-groups',
        token: admin,
        payload: { server_group: { name: 'spread', policies: ['anti-affinity'] } },
      });
      expect(g.statusCode).toBe(200);
      const group = g.json().server_group.id;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.request({
          method: 'POST',
          url: '/compute/v2.1/servers',
          token: admin,
          payload: {
            server: { name: `aa${i}`, imageRef: image, flavorRef: flavor, availability_zone: 'burst' },
            'os:scheduler_hints': { group },
          },
        });
        expect(res.statusCode).toBe(202);
        ids.push(res.json().server.id);
      }
      const hosts = await Promise.all(
        ids.map(async (id) => (await waitForServer(t, admin, id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host']),
      );
      expect(new Set(hosts).size).toBe(3);
    });

    it('boots a flavor with no disk and claims no DISK_GB for it, as Nova does', async () => {
      const diskless = await createFlavor(t, admin, { name: 'diskless', vcpus: 1, ram: 256, disk: 0 });
      const id = await bootServer(t, admin, { name: 'nodisk', imageRef: image, flavorRef: diskless });
      await waitForServer(t, admin, id, 'ACTIVE');
      const allocations = Object.values(await allocationsOf(t, admin, id)) as Array<{ resources: object }>;
      expect(allocations.map((a) => a.resources)).toEqual([{ VCPU: 1, MEMORY_MB: 256 }]);
      await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
    });

    it('sends nothing to a host the moment its operator disables it', async () => {
      const hosts = ['small-0001', 'small-0002', 'small-0003', 'small-0004'];
      const service = (action: string, host: string) =>
        t.request({
          method: 'PUT',
          url: `/compute/v2.1/os-services/${action}`,
          token: admin,
          payload: { host, binary: 'nova-compute' },
        });
      for (const h of hosts) expect((await service('disable', h)).statusCode).toBe(200);
      try {
        const ids = await Promise.all(
          [0, 1, 2].map((i) =>
            bootServer(t, admin, {
              name: `d${i}`,
              imageRef: image,
              flavorRef: flavor,
              availability_zone: 'burst',
            }),
          ),
        );
        for (const id of ids)
          expect((await waitForServer(t, admin, id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host']).toBe('small-0005');
      } finally {
        for (const h of hosts) await service('enable', h);
      }
    });

    it('uses capacity that deletes freed as soon as they finish', async () => {
      const fill = async (prefix: string) =>
        Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            bootServer(t, admin, {
              name: `${prefix}${i}`,
              imageRef: image,
              flavorRef: flavor,
              availability_zone: 'burst',
            }),
          ),
        );
      const before = (await Promise.all((await fill('f')).map((id) => settle(t, admin, id)))).filter(
        (s) => s['status'] === 'ACTIVE',
      );
      for (const s of before)
        await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${String(s['id'])}`, token: admin });
      for (const s of before) await waitGone(t, admin, String(s['id']));
      const after = await Promise.all((await fill('g')).map((id) => settle(t, admin, id)));
      expect(after.filter((s) => s['status'] === 'ERROR')).toEqual([]);
      await Promise.all(
        after.map((s) =>
          t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${String(s['id'])}`, token: admin }),
        ),
      );
    });
  });
}

describe.each(testDialects())('%s: hard anti-affinity with one host', (dialect) => {
  it('refuses the second member of an anti-affinity group with NoValidHost', async () => {
    const t = await startTestCloud(dialect);
    try {
      const admin = await t.adminToken();
      await t.cloud.compute.agents.addFakeHosts(1, shape, { prefix: 'solo', availabilityZone: 'solo' });
      const flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 5 });
      const image = await createImage(t, admin, 'img');
      const g = await t.request({
        method: 'POST',
        url: '/compute/v2.1/os-server-groups',
        token: admin,
        payload: { server_group: { name: 'apart', policies: ['anti-affinity'] } },
      });
      const boot = async (name: string) => {
        const res = await t.request({
          method: 'POST',
          url: '/compute/v2.1/servers',
          token: admin,
          payload: {
            server: { name, imageRef: image, flavorRef: flavor, availability_zone: 'solo' },
            'os:scheduler_hints': { group: g.json().server_group.id },
          },
        });
        return res.json().server.id as string;
      };
      await waitForServer(t, admin, await boot('first'), 'ACTIVE');
      const second = await waitForServer(t, admin, await boot('second'), 'ERROR');
      expect((second['fault'] as { details: string }).details).toMatch(/anti-affinity/);
    } finally {
      await t.close();
    }
  });
});

async function settle(t: TestCloud, token: string, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 500; i++) {
    const s = (await t.request({ method: 'GET', url: `/compute/v2.1/servers/${id}`, token })).json().server;
    if ((s.status === 'ACTIVE' || s.status === 'ERROR') && s['OS-EXT-STS:task_state'] === null) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`server ${id} did not settle`);
}

async function waitGone(t: TestCloud, token: string, id: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const res = await t.request({ method: 'GET', url: `/compute/v2.1/servers/${id}`, token });
    if (res.statusCode === 404) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`server ${id} was not deleted`);
}

async function allocationsOf(
  t: TestCloud,
  token: string,
  consumer: string,
): Promise<Record<string, unknown>> {
  return (await t.request({ method: 'GET', url: `/placement/allocations/${consumer}`, token })).json()
    .allocations;
}
