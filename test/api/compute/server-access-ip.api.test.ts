import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { expectFault } from './compute-api-fixtures.js';

const message = (field: string, value: string, format: string) =>
  `Invalid input for field/attribute ${field}. Value: ${value}. '${value}' is not a '${format}'`;

for (const dialect of testDialects()) {
  describe(`${dialect}: server access addresses`, () => {
    let t: TestCloud;
    let admin: string;
    let flavor: string;
    let image: string;
    let server: string;
    const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.request({ method, url: `/compute/v2.1${url}`, token: admin, ...(payload && { payload }) });
    const count = async () => (await call('GET', '/servers')).json().servers.length as number;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      flavor = await createFlavor(t, admin, { name: 'm1.ip', vcpus: 1, ram: 256, disk: 1 });
      image = await createImage(t, admin, 'cirros-ip');
      server = await bootServer(t, admin, {
        name: 'ip',
        imageRef: image,
        flavorRef: flavor,
        accessIPv4: '192.0.2.10',
        accessIPv6: '2001:0DB8:0000:0000:0000:0000:0000:0010',
      });
      await waitForServer(t, admin, server, 'ACTIVE');
    });
    afterAll(async () => t?.close());

    it('stores valid addresses from create, the IPv6 one in canonical form', async () => {
      const s = (await call('GET', `/servers/${server}`)).json().server;
      expect([s.accessIPv4, s.accessIPv6]).toEqual(['192.0.2.10', '2001:db8::10']);
    });

    it('returns an updated IPv6 address canonical, in the response and later reads', async () => {
      const res = await call('PUT', `/servers/${server}`, {
        server: { accessIPv6: '0000:0000:0000:0000:0000:babe:220.12.22.2' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().server.accessIPv6).toBe('::babe:dc0c:1602');
      expect((await call('GET', `/servers/${server}`)).json().server.accessIPv6).toBe('::babe:dc0c:1602');
      const listed = (await call('GET', '/servers/detail')).json().servers;
      expect(listed.find((s: { id: string }) => s.id === server).accessIPv6).toBe('::babe:dc0c:1602');
    });

    it.each([
      ['accessIPv4', 'notvalid', 'ipv4'],
      ['accessIPv4', '10.0.0.256', 'ipv4'],
      ['accessIPv6', 'notvalid', 'ipv6'],
      ['accessIPv6', '2001:db8::1::2', 'ipv6'],
    ])('refuses %s %s on create, update and rebuild, changing nothing', async (field, value, format) => {
      const before = await count();
      const bad = { name: 'bad-ip', imageRef: image, flavorRef: flavor, [field]: value };
      expectFault(await call('POST', '/servers', { server: bad }), 400, message(field, value, format));
      expect(await count()).toBe(before);
      const shown = (await call('GET', `/servers/${server}`)).json().server;
      expectFault(
        await call('PUT', `/servers/${server}`, { server: { [field]: value } }),
        400,
        message(field, value, format),
      );
      expectFault(
        await call('POST', `/servers/${server}/action`, { rebuild: { imageRef: image, [field]: value } }),
        400,
        message(field, value, format),
      );
      const after = (await call('GET', `/servers/${server}`)).json().server;
      expect([after.status, after[field], after.updated]).toEqual(['ACTIVE', shown[field], shown.updated]);
    });

    it('sets access addresses on rebuild', async () => {
      const res = await call('POST', `/servers/${server}/action`, {
        rebuild: { imageRef: image, accessIPv4: '198.51.100.7', accessIPv6: '2001:db8:0:0:1:0:0:1' },
      });
      expect(res.statusCode, res.body).toBe(202);
      expect([res.json().server.accessIPv4, res.json().server.accessIPv6]).toEqual([
        '198.51.100.7',
        '2001:db8::1:0:0:1',
      ]);
      await waitForServer(t, admin, server, 'ACTIVE');
    });
  });
}
