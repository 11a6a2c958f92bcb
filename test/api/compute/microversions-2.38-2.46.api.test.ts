import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from '../network/network-fixtures.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault, insertServer, versionedComputeCaller } from './compute-api-fixtures.js';

/** Compute microversions 2.38 to 2.46, each on both sides of its change. */
for (const dialect of testDialects()) {
  describe(`${dialect}: compute microversions 2.38 to 2.46`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let image: string;
    let net: string;

    const call: ReturnType<typeof versionedComputeCaller> = (...a) => versionedComputeCaller(t)(...a);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, { name: 'mv46.small', vcpus: 1, ram: 64, disk: 1 });
      image = await createImage(t, p.admin, 'mv46-image');
      net = (await networkClient(t).create(p.member, 'network', { name: 'mv46' }))['id'] as string;
      await networkClient(t).create(p.member, 'subnet', {
        network_id: net,
        cidr: '10.46.0.0/24',
        ip_version: 4,
      });
    });
    afterAll(async () => t?.close());

    it('2.38: an unknown status lists nothing before, and is a 400 from 2.38', async () => {
      const before = await call('2.37', 'GET', '/servers?status=bogus', p.member);
      expect(before.statusCode).toBe(200);
      expect(before.json()).toEqual({ servers: [] });
      expectFault(
        await call('2.38', 'GET', '/servers/detail?status=bogus', p.member),
        400,
        'Invalid status value',
      );
      expect((await call('2.38', 'GET', '/servers?status=active', p.member)).statusCode).toBe(200);
    });

    it('2.39: maxImageMeta leaves the limits', async () => {
      const absolute = async (v: string) =>
        (await call(v, 'GET', '/limits', p.member)).json().limits.absolute as Record<string, number>;
      expect(await absolute('2.38')).toHaveProperty('maxImageMeta', 128);
      const at39 = await absolute('2.39');
      expect(at39).not.toHaveProperty('maxImageMeta');
      expect(at39).toHaveProperty('maxServerMeta', 128);
    });

    it('2.40: usage pages by limit and marker, with next links, totals per page', async () => {
      const launched = '2001-01-01T00:00:00.000Z';
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(await insertServer(t, { projectId: p.otherProjectId, vcpus: 1, ram: 64 }));
      await t.cloud.store.db
        .updateTable('servers')
        .set({ launched_at: launched })
        .where('id', 'in', ids)
        .execute();
      ids.sort();
      const window = 'start=2001-01-01T00:00:00&end=2001-01-01T10:00:00';
      const list = `/os-simple-tenant-usage?${window}&detailed=1&limit=2`;
      const old = (await call('2.39', 'GET', list, p.admin)).json();
      expect(old.tenant_usages_links).toBeUndefined();
      expect(old.tenant_usages[0].server_usages).toHaveLength(3);
      const first = (await call('2.40', 'GET', list, p.admin)).json();
      expect(first.tenant_usages).toHaveLength(1);
      expect(first.tenant_usages[0].server_usages.map((s: { instance_id: string }) => s.instance_id)).toEqual(
        ids.slice(0, 2),
      );
      expect(first.tenant_usages[0].total_hours).toBe(20);
      expect(first.tenant_usages_links).toEqual([
        { rel: 'next', href: expect.stringContaining(`marker=${ids[1]}`) },
      ]);
      const next = (await call('2.40', 'GET', `${list}&marker=${ids[1]}`, p.admin)).json();
      expect(next.tenant_usages[0].server_usages.map((s: { instance_id: string }) => s.instance_id)).toEqual([
        ids[2],
      ]);
      expect(next.tenant_usages[0].total_hours).toBe(10);
      expect(next.tenant_usages_links).toBeUndefined();
      // Not detailed: totals of the page, no server_usages, still a next link.
      const brief = (await call('2.40', 'GET', `/os-simple-tenant-usage?${window}&limit=1`, p.admin)).json();
      expect(Object.keys(brief.tenant_usages[0])).not.toContain('server_usages');
      expect(brief.tenant_usages[0].total_hours).toBe(10);
      expect(brief.tenant_usages_links).toHaveLength(1);
      const show = `/os-simple-tenant-usage/${p.otherProjectId}?${window}&limit=2`;
      const shown = (await call('2.40', 'GET', show, p.admin)).json();
      expect(shown.tenant_usage.server_usages).toHaveLength(2);
      expect(shown.tenant_usage_links[0].href).toContain(`/os-simple-tenant-usage/${p.otherProjectId}?`);
      expect((await call('2.39', 'GET', show, p.admin)).json().tenant_usage_links).toBeUndefined();
      expectFault(
        await call('2.40', 'GET', `${list}&marker=nope`, p.admin),
        400,
        'Marker nope could not be found.',
      );
    });

    it('2.42: device tags on networks and block devices again (refused from 2.37 / 2.33 to 2.41)', async () => {
      const server = (extra: object) => ({
        server: { name: 'tagged', imageRef: image, flavorRef: flavor, ...extra },
      });
      const tagged = { networks: [{ uuid: net, tag: 'nic1' }] };
      expectFault(
        await call('2.41', 'POST', '/servers', p.member, server(tagged)),
        400,
        "Invalid input for field 'server/networks/0': Additional properties are not allowed ('tag' was unexpected)",
      );
      const bdm = {
        networks: 'none',
        block_device_mapping_v2: [
          { source_type: 'image', uuid: image, destination_type: 'local', boot_index: 0, tag: 'root' },
        ],
      };
      expectFault(await call('2.41', 'POST', '/servers', p.member, server(bdm)), 400, /'tag' was unexpected/);
      const ok = await call('2.42', 'POST', '/servers', p.member, server(tagged));
      expect(ok.statusCode, ok.body).toBe(202);
      await waitForServer(t, p.admin, ok.json().server.id, 'ACTIVE');
      const withBdm = await call('2.42', 'POST', '/servers', p.member, server(bdm));
      expect(withBdm.statusCode, withBdm.body).toBe(202);
      expect(
        (await call('2.42', 'POST', '/servers', p.member, server({ networks: [{ uuid: net, tag: 'a/b' }] })))
          .statusCode,
      ).toBe(400);
    });

    it('2.43: os-hosts is gone (404)', async () => {
      expectFault(await call('2.43', 'GET', '/os-hosts', p.admin), 404);
    });

    it('2.44: the network proxy actions and os-virtual-interfaces are 404', async () => {
      const id = await bootServer(t, p.member, { name: 'proxy', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.admin, id, 'ACTIVE');
      const action = (v: string, body: object) => call(v, 'POST', `/servers/${id}/action`, p.admin, body);
      expectFault(await action('2.43', { addFloatingIp: { address: '10.0.0.9' } }), 400);
      for (const body of [
        { addFixedIp: { networkId: net } },
        { removeFixedIp: { address: '10.0.0.9' } },
        { addFloatingIp: { address: '10.0.0.9' } },
        { removeFloatingIp: { address: '10.0.0.9' } },
      ])
        expectFault(await action('2.44', body), 404);
      expectFault(await call('2.44', 'GET', `/servers/${id}/os-virtual-interfaces`, p.admin), 404);
      expectFault(await call('2.44', 'GET', '/os-networks', p.admin), 404);
    });

    it('2.45: createImage answers {image_id} and no Location; 2.46: the action carries the request id', async () => {
      const id = await bootServer(t, p.member, { name: 'snap', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.admin, id, 'ACTIVE');
      const old = await call('2.44', 'POST', `/servers/${id}/action`, p.member, {
        createImage: { name: 's1' },
      });
      expect(old.statusCode).toBe(202);
      expect(old.headers['location']).toMatch(/\/v2\/images\/[0-9a-f-]{36}$/);
      expect(old.body).toBe('');
      await waitForServer(t, p.admin, id, 'ACTIVE');
      const res = await call('2.45', 'POST', `/servers/${id}/action`, p.member, {
        createImage: { name: 's2' },
      });
      expect(res.statusCode).toBe(202);
      expect(res.headers['location']).toBeUndefined();
      expect(Object.keys(res.json())).toEqual(['image_id']);
      expect(res.json().image_id).toMatch(/^[0-9a-f-]{36}$/);
      const requestId = res.headers['x-openstack-request-id'];
      expect(requestId).toMatch(/^req-/);
      expect(res.headers['x-compute-request-id']).toBe(requestId);
      const shown = await call(
        '2.46',
        'GET',
        `/servers/${id}/os-instance-actions/${String(requestId)}`,
        p.member,
      );
      expect(shown.statusCode, shown.body).toBe(200);
      expect(shown.json().instanceAction).toMatchObject({ action: 'createImage', request_id: requestId });
    });
  });
}
