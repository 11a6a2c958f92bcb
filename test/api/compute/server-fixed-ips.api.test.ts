import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from '../network/network-fixtures.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: addFixedIp and removeFixedIp (multinic)`, () => {
    let t: TestCloud;
    let p: Personas;
    let net: string;
    let subnet: string;
    let server: string;
    const api = () => networkClient(t);
    const action = (body: object, version: string, token = p.member) =>
      t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/action`,
        token,
        headers: { 'openstack-api-version': `compute ${version}` },
        payload: body,
      });
    const addresses = async () =>
      (
        (await api().call('GET', `/ports?device_id=${server}`, p.admin)).json().ports[0].fixed_ips as {
          ip_address: string;
        }[]
      ).map((ip) => ip.ip_address);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      const flavor = await createFlavor(t, p.admin, { name: 'fx', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'fx-img');
      net = (await api().create(p.member, 'network', { name: 'fixed' }))['id'] as string;
      subnet = (
        await api().create(p.member, 'subnet', { network_id: net, cidr: '10.7.0.0/24', ip_version: 4 })
      )['id'] as string;
      server = await bootServer(t, p.member, {
        name: 'fx',
        imageRef: image,
        flavorRef: flavor,
        networks: [{ uuid: net }],
      });
      await waitForServer(t, p.member, server, 'ACTIVE');
    });
    afterAll(async () => t?.close());

    it('adds an address from the network and removes it', async () => {
      const [first] = await addresses();
      const add = await action({ addFixedIp: { networkId: net } }, '2.37');
      expect(add.statusCode, add.body).toBe(202);
      const after = await addresses();
      expect(after).toHaveLength(2);
      const added = after.find((a) => a !== first)!;
      const shown = (
        await t.request({ method: 'GET', url: `/compute/v2.1/servers/${server}`, token: p.member })
      ).json();
      expect(shown.server.addresses['fixed'].map((a: { addr: string }) => a.addr).sort()).toEqual(
        after.sort(),
      );

      const remove = await action({ removeFixedIp: { address: added } }, '2.1');
      expect(remove.statusCode).toBe(202);
      expect(await addresses()).toEqual([first]);
    });

    // Nova drops both at 2.44 (404): microversions-2.38-2.46.api.test.ts covers that gate.
    it("answers Nova's faults: unknown address or network, bad body", async () => {
      expectFault(
        await action({ removeFixedIp: { address: '10.7.0.250' } }, '2.37'),
        400,
        `Instance ${server} does not have fixed IP '10.7.0.250'.`,
      );
      expectFault(
        await action({ addFixedIp: { networkId: '00000000-0000-4000-8000-000000000000' } }, '2.37'),
        400,
        `Network could not be found for instance ${server}.`,
      );
      const bad = await action({ addFixedIp: { network: net } }, '2.37');
      expect(bad.statusCode).toBe(400);
      const badIp = await action({ removeFixedIp: { address: 'nope' } }, '2.37');
      expect(badIp.statusCode).toBe(400);
      expect(await addresses()).toHaveLength(1);
    });

    it('shows an associated floating IP as floating, after its fixed address', async () => {
      const ext = await api().create(p.admin, 'network', { name: 'ext', 'router:external': true });
      await api().create(p.admin, 'subnet', {
        network_id: ext['id'],
        cidr: '172.31.0.0/24',
        ip_version: 4,
        enable_dhcp: false,
      });
      const router = await api().create(p.member, 'router', {
        external_gateway_info: { network_id: ext['id'] },
      });
      const iface = await api().call(
        'PUT',
        `/routers/${String(router['id'])}/add_router_interface`,
        p.member,
        {
          subnet_id: subnet,
        },
      );
      expect(iface.statusCode, iface.body).toBe(200);
      const port = (await api().call('GET', `/ports?device_id=${server}`, p.member)).json().ports[0];
      const fip = await api().create(p.member, 'floatingip', {
        floating_network_id: ext['id'],
        port_id: port.id,
      });
      const view = async () =>
        (await t.request({ method: 'GET', url: `/compute/v2.1/servers/${server}`, token: p.member })).json()
          .server.addresses['fixed'];
      expect(await view()).toEqual([
        {
          version: 4,
          addr: port.fixed_ips[0].ip_address,
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': port.mac_address,
        },
        {
          version: 4,
          addr: fip['floating_ip_address'],
          'OS-EXT-IPS:type': 'floating',
          'OS-EXT-IPS-MAC:mac_addr': port.mac_address,
        },
      ]);
      await api().call('PUT', `/floatingips/${String(fip['id'])}`, p.member, {
        floatingip: { port_id: null },
      });
      expect(await view()).toHaveLength(1);
    });
  });
}
