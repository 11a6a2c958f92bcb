import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from './network-fixtures.js';

const registration = (hostname: string, dataplane?: string) => ({
  hostname,
  driver: 'fake',
  availabilityZone: 'nova',
  facts: { vcpus: 4, memoryMb: 4096, diskGb: 40, traits: ['CUSTOM_STRATA_VM'], details: {} },
  reserved: { vcpus: 0, memoryMb: 0, diskGb: 0 },
  ...(dataplane !== undefined && { dataplane }),
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The router scheduler and the router host's view, through the agents' API: routers go to a
// host whose dataplane runs them, move when that host is disabled, and the host is told
// its routers, their networks and the external network.
for (const dialect of testDialects()) {
  describe(`${dialect}: router hosts`, () => {
    let t: TestCloud;
    let admin: string;
    const agent = (method: 'GET' | 'PUT', url: string, payload?: object) =>
      t.request({ method, url: `/compute/agent/v1${url}`, token: admin, ...(payload && { payload }) });
    const state = async (host: string): Promise<Json> =>
      (await agent('GET', `/hosts/${host}/network-state`)).json().network as Json;
    const neutron = () => networkClient(t);
    const hostOf = async (router: string) =>
      (
        await t.cloud.store.db
          .selectFrom('routers')
          .select('host')
          .where('id', '=', router)
          .executeTakeFirstOrThrow()
      ).host;

    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
      admin = await t.adminToken();
      for (const [h, dp] of [
        ['a-fake', 'fake'],
        ['b-old', undefined],
        ['l1', 'linux'],
        ['l2', 'linux'],
      ] as const)
        expect((await agent('PUT', `/hosts/${h}`, registration(h, dp))).statusCode).toBe(204);
    });
    afterAll(async () => t?.close());

    it('places a router with an interface on a linux host and tells that host alone', async () => {
      const net = await neutron().create(admin, 'network', { name: 'inside' });
      const subnet = await neutron().create(admin, 'subnet', {
        network_id: net['id'],
        cidr: '10.31.0.0/24',
        ip_version: 4,
      });
      const empty = (await neutron().create(admin, 'router', { name: 'empty' }))['id'] as string;
      const router = (await neutron().create(admin, 'router', { name: 'r' }))['id'] as string;
      const res = await neutron().call('PUT', `/routers/${router}/add_router_interface`, admin, {
        subnet_id: subnet['id'],
      });
      expect(res.statusCode, res.body).toBe(200);
      const l1 = await state('l1');
      expect(await hostOf(router)).toBe('l1');
      expect(await hostOf(empty)).toBeNull();
      expect(l1.routers).toEqual([
        {
          id: router,
          interfaces: [
            expect.objectContaining({
              portId: res.json().port_id,
              networkId: net['id'],
              addresses: [{ ip: '10.31.0.1', prefixLength: 24 }],
            }),
          ],
          routes: [],
          floatingIps: [],
        },
      ]);
      // The network behind it has its bridge there, with no instance port on the host.
      expect(l1.networks.map((n: Json) => n.id)).toEqual([net['id']]);
      expect(l1.ports).toEqual([]);
      for (const other of ['l2', 'a-fake', 'b-old']) expect((await state(other)).routers).toBeUndefined();
      const port = (await neutron().call('GET', `/ports/${res.json().port_id as string}`, admin)).json().port;
      expect(port['binding:host_id']).toBe('l1');
    });

    it('tells the router host its gateway, floating IPs and the external network', async () => {
      const router = (await neutron().call('GET', '/routers?name=r', admin)).json().routers[0].id as string;
      const ext = await neutron().create(admin, 'network', { name: 'public', 'router:external': true });
      await neutron().create(admin, 'subnet', {
        network_id: ext['id'],
        cidr: '172.24.8.0/24',
        gateway_ip: '172.24.8.1',
        ip_version: 4,
      });
      const gw = await neutron().call('PUT', `/routers/${router}`, admin, {
        router: { external_gateway_info: { network_id: ext['id'] } },
      });
      expect(gw.statusCode, gw.body).toBe(200);
      const inside = (await neutron().call('GET', '/networks?name=inside', admin)).json().networks[0].id;
      const vm = await neutron().create(admin, 'port', { network_id: inside, device_owner: 'compute:nova' });
      const fip = await neutron().create(admin, 'floatingip', {
        floating_network_id: ext['id'],
        port_id: vm['id'],
      });
      const l1 = await state('l1');
      expect(l1.externalNetwork).toEqual({
        id: ext['id'],
        mtu: ext['mtu'],
        gatewayIp: '172.24.8.1',
        prefixLength: 24,
        physicalNetwork: ext['provider:physical_network'] ?? null,
      });
      expect(l1.networks.map((n: Json) => n.id).sort()).toEqual([inside, ext['id']].sort());
      const [r] = l1.routers as Json[];
      expect(r!.gateway).toMatchObject({ networkId: ext['id'], nextHop: '172.24.8.1', snat: true });
      expect(r!.floatingIps).toEqual([
        { floatingIp: fip['floating_ip_address'], fixedIp: (vm['fixed_ips'] as Json[])[0]!.ip_address },
      ]);
    });

    it('moves the router when its host is disabled, and leaves an administratively down one out', async () => {
      const router = (await neutron().call('GET', '/routers?name=r', admin)).json().routers[0].id as string;
      await t.cloud.store.db
        .updateTable('compute_hosts')
        .set({ status: 'disabled' })
        .where('hostname', '=', 'l1')
        .execute();
      expect((await state('l2')).routers.map((r: Json) => r.id)).toEqual([router]);
      expect(await hostOf(router)).toBe('l2');
      expect((await state('l1')).routers).toBeUndefined();
      const ports = (await neutron().call('GET', `/ports?device_id=${router}`, admin)).json().ports as Json[];
      expect(ports.map((p) => p['binding:host_id'])).toEqual(['l2', 'l2']);
      const down = await neutron().call('PUT', `/routers/${router}`, admin, {
        router: { admin_state_up: false },
      });
      expect(down.statusCode, down.body).toBe(200);
      expect((await state('l2')).routers).toBeUndefined();
    });

    it('leaves a router without a host when no host can run routers', async () => {
      await t.cloud.store.db
        .updateTable('compute_hosts')
        .set({ status: 'disabled' })
        .where('hostname', '=', 'l2')
        .execute();
      const router = (await neutron().call('GET', '/routers?name=r', admin)).json().routers[0].id as string;
      await state('a-fake');
      expect(await hostOf(router)).toBeNull();
    });
  });
}
