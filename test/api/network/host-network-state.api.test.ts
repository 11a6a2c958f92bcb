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

for (const dialect of testDialects()) {
  describe(`${dialect}: a host's network state for its agent`, () => {
    let t: TestCloud;
    let admin: string;
    const agent = (method: 'GET' | 'PUT', url: string, payload?: object) =>
      t.request({ method, url: `/compute/agent/v1${url}`, token: admin, ...(payload && { payload }) });
    const neutron = () => networkClient(t);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('wakes watchers on every network API write, and not on reads', async () => {
      let notices = 0;
      const unwatch = t.cloud.compute.gateway.networks.watch('h1', () => notices++);
      await neutron().call('GET', '/networks', admin);
      expect(notices).toBe(0);
      await neutron().create(admin, 'network', { name: 'noticed' });
      expect(notices).toBe(1);
      unwatch();
      const polled = (await agent('GET', '/hosts/h1/changes?after=0&wait_ms=0')).json();
      expect(polled.network).toBe(true);
    });

    it('hands a host its ports with rules and remote groups, and its networks with the other hosts', async () => {
      expect((await agent('PUT', '/hosts/h1', registration('h1', '192.0.2.1'))).statusCode).toBe(204);
      expect((await agent('PUT', '/hosts/h2', registration('h2', '192.0.2.2'))).statusCode).toBe(204);
      expect((await agent('PUT', '/hosts/h3', registration('h3'))).statusCode).toBe(204);
      const net = await neutron().create(admin, 'network', { name: 'state' });
      await neutron().create(admin, 'subnet', { network_id: net['id'], cidr: '10.9.0.0/24', ip_version: 4 });
      const port = async (host: string) => {
        const p = await neutron().create(admin, 'port', {
          network_id: net['id'],
          device_owner: 'compute:nova',
          device_id: `dev-${host}`,
          'binding:host_id': host,
        });
        return p as { id: string; mac_address: string; fixed_ips: Array<{ ip_address: string }> };
      };
      const [p1, p2] = [await port('h1'), await port('h2')];
      await port('h3');
      const state = (await agent('GET', '/hosts/h1/network-state')).json().network;
      expect(state.networks).toEqual([
        expect.objectContaining({
          id: net['id'],
          networkType: 'vxlan',
          segmentationId: net['provider:segmentation_id'],
          subnets: [expect.objectContaining({ cidr: '10.9.0.0/24', enableDhcp: true })],
          // h3 has no tunnel address: not reachable, left out.
          remoteHosts: ['192.0.2.2'],
          remotePorts: [{ mac: p2.mac_address, tunnelIp: '192.0.2.2' }],
        }),
      ]);
      expect(state.ports).toHaveLength(1);
      const mine = state.ports[0];
      expect(mine).toMatchObject({
        id: p1.id,
        device: `tap${p1.id.slice(0, 11)}`,
        fixedIps: [p1.fixed_ips[0]!.ip_address],
        portSecurityEnabled: true,
      });
      // The default group: egress for all, ingress from its own members (a remote group).
      const remote = mine.rules.find((r: { remote_group_id: string | null }) => r.remote_group_id !== null);
      expect(state.remoteGroups[remote.remote_group_id]).toEqual(
        expect.arrayContaining([p1.fixed_ips[0]!.ip_address, p2.fixed_ips[0]!.ip_address]),
      );
      expect((await agent('GET', '/hosts/nobody/network-state')).json()).toEqual({
        network: { networks: [], ports: [], remoteGroups: {} },
      });
    });
  });
}
