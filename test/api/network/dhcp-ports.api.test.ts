import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from './network-fixtures.js';

const registration = (hostname: string, tunnelIp?: string) => ({
  hostname,
  driver: 'fake',
  availabilityZone: 'nova',
  facts: { vcpus: 4, memoryMb: 4096, diskGb: 40, traits: ['CUSTOM_STRATA_VM'], details: {} },
  reserved: { vcpus: 0, memoryMb: 0, diskGb: 0 },
  ...(tunnelIp !== undefined && { tunnelIp }),
});

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: DHCP ports for hosts that serve DHCP`, () => {
    let t: TestCloud;
    let admin: string;
    const agent = (method: 'GET' | 'PUT', url: string, payload?: object) =>
      t.request({ method, url: `/compute/agent/v1${url}`, token: admin, ...(payload && { payload }) });
    const neutron = () => networkClient(t);
    const state = async (host: string) => (await agent('GET', `/hosts/${host}/network-state`)).json().network;
    const dhcpPorts = async (net: string) =>
      (await neutron().call('GET', `/ports?network_id=${net}&device_owner=network:dhcp`, admin)).json()
        .ports as Json[];

    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
      admin = await t.adminToken();
      for (const [h, ip] of [
        ['d1', '192.0.2.11'],
        ['d2', '192.0.2.12'],
        ['d3', undefined],
      ] as const)
        expect((await agent('PUT', `/hosts/${h}`, registration(h, ip))).statusCode).toBe(204);
    });
    afterAll(async () => t?.close());

    it('makes one port per network for the first serving host, and removes it as Neutron does', async () => {
      const net = (await neutron().create(admin, 'network', { name: 'dhcp' }))['id'] as string;
      const subnet = await neutron().create(admin, 'subnet', {
        network_id: net,
        cidr: '10.19.0.0/24',
        ip_version: 4,
      });
      const port = (host: string) =>
        neutron().create(admin, 'port', {
          network_id: net,
          device_owner: 'compute:nova',
          device_id: `dev-${host}`,
          'binding:host_id': host,
        });
      const [p1] = [await port('d1'), await port('d2'), await port('d3')];
      // A host without a real dataplane (no tunnel address) makes none.
      await state('d3');
      expect(await dhcpPorts(net)).toEqual([]);
      await state('d1');
      await state('d2');
      await state('d1');
      const made = await dhcpPorts(net);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({
        device_owner: 'network:dhcp',
        'binding:host_id': 'd1',
        project_id: (await neutron().call('GET', `/networks/${net}`, admin)).json().network.project_id,
        fixed_ips: [{ subnet_id: subnet['id'], ip_address: expect.stringMatching(/^10\.19\.0\./) }],
      });
      expect(made[0]!['device_id']).toMatch(new RegExp(`^dhcp[0-9a-f-]{36}-${net}$`));
      // The host serving it sees it in its state; the other host does not.
      const served = (await state('d1')).networks[0];
      expect(served.dhcp).toMatchObject({ portId: made[0]!['id'], mac: made[0]!['mac_address'] });
      expect((await state('d2')).networks[0].dhcp).toBeUndefined();

      // DHCP off on the only subnet: the port goes.
      const off = await neutron().call('PUT', `/subnets/${subnet['id']}`, admin, {
        subnet: { enable_dhcp: false },
      });
      expect(off.statusCode, off.body).toBe(200);
      await state('d1');
      expect(await dhcpPorts(net)).toEqual([]);
      await neutron().call('PUT', `/subnets/${subnet['id']}`, admin, { subnet: { enable_dhcp: true } });
      await state('d1');
      expect(await dhcpPorts(net)).toHaveLength(1);

      // The network leaves d1: its port goes, and d2 (still carrying it) makes its own.
      expect((await neutron().call('DELETE', `/ports/${p1['id']}`, admin)).statusCode).toBe(204);
      await state('d1');
      expect(await dhcpPorts(net)).toEqual([]);
      await state('d2');
      expect((await dhcpPorts(net)).map((p) => p['binding:host_id'])).toEqual(['d2']);
      // The network is deleted with its DHCP port once the instance ports are gone.
      for (const p of (
        await neutron().call('GET', `/ports?network_id=${net}&device_owner=compute:nova`, admin)
      ).json().ports as Json[])
        await neutron().call('DELETE', `/ports/${p['id']}`, admin);
      expect((await neutron().call('DELETE', `/networks/${net}`, admin)).statusCode).toBe(204);
    });
  });
}
