import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: auto-allocated topology`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let bob: ProjectUser;
    const api = () => networkClient(t);
    const topology = (project: string, token: string, query = '') =>
      api().call('GET', `/auto-allocated-topology/${project}${query}`, token);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      admin = await t.adminToken();
      alice = await projectUser(t, admin, 'auto-alice');
      bob = await projectUser(t, admin, 'auto-bob');
    });
    afterAll(async () => t?.close());

    it('refuses without a default external network, as Neutron', async () => {
      for (const query of ['', '?fields=dry-run']) {
        const res = await topology(alice.projectId, alice.token, query);
        expect(res.statusCode).toBe(409);
        expect(res.json().NeutronError).toEqual({
          type: 'AutoAllocationFailure',
          message: 'Deployment error: No default router:external network.',
          detail: '',
        });
      }
      expect((await api().call('GET', '/networks', alice.token)).json().networks).toEqual([]);
    });

    it('builds one topology for two concurrent first requests, then deletes it', async () => {
      const ext = await api().create(admin, 'network', {
        name: 'ext',
        'router:external': true,
        is_default: true,
      });
      expect(ext['is_default']).toBe(true);
      await api().create(admin, 'subnet', {
        network_id: ext['id'],
        cidr: '172.30.0.0/24',
        ip_version: 4,
        enable_dhcp: false,
      });
      const second = await api().call('POST', '/networks', admin, {
        network: { name: 'ext2', 'router:external': true, is_default: true },
      });
      expect(second.statusCode).toBe(409);
      expect(second.json().NeutronError.message).toBe(
        `A default external network already exists: ${ext['id']}.`,
      );

      const dry = await topology(alice.projectId, alice.token, '?fields=dry-run');
      expect(dry.json()).toEqual({
        auto_allocated_topology: { id: 'dry-run=pass', tenant_id: alice.projectId },
      });
      const bad = await topology(alice.projectId, alice.token, '?fields=colour');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().NeutronError.message).toBe('Bad auto_allocate request: Unrecognized field.');
      expect((await topology(alice.projectId, bob.token)).statusCode).toBe(403);

      const [a, b] = await Promise.all([
        topology(alice.projectId, alice.token),
        topology('None', alice.token),
      ]);
      expect(a.statusCode, a.body).toBe(200);
      expect(b.statusCode, b.body).toBe(200);
      const id = a.json().auto_allocated_topology.id as string;
      expect(b.json().auto_allocated_topology).toEqual({ id, tenant_id: alice.projectId });
      const own = `/networks?project_id=${alice.projectId}`;
      const nets = (await api().call('GET', own, alice.token)).json().networks;
      expect(nets).toMatchObject([{ id, name: 'auto_allocated_network', admin_state_up: true }]);
      const routers = (await api().call('GET', '/routers', alice.token)).json().routers;
      expect(routers).toMatchObject([
        { name: 'auto_allocated_router', external_gateway_info: { network_id: ext['id'] } },
      ]);
      const ports = (await api().call('GET', `/ports?network_id=${id}`, admin)).json().ports;
      expect(ports).toMatchObject([{ device_owner: 'network:router_interface', device_id: routers[0].id }]);
      // Later requests answer the same topology.
      expect((await topology(alice.projectId, alice.token)).json().auto_allocated_topology.id).toBe(id);

      const del = await api().call('DELETE', `/auto-allocated-topology/${alice.projectId}`, alice.token);
      expect(del.statusCode).toBe(204);
      expect((await api().call('GET', own, alice.token)).json().networks).toEqual([]);
      expect((await api().call('GET', '/routers', alice.token)).json().routers).toEqual([]);
    });

    it("gives a server with networks 'auto' the project's auto-allocated network", async () => {
      const flavor = await createFlavor(t, admin, { name: 'auto', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, admin, 'auto-img');
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: bob.token,
        headers: { 'openstack-api-version': 'compute 2.37' },
        payload: { server: { name: 'auto', imageRef: image, flavorRef: flavor, networks: 'auto' } },
      });
      expect(res.statusCode, res.body).toBe(202);
      const shown = await waitForServer(t, bob.token, res.json().server.id as string, 'ACTIVE');
      const addresses = shown['addresses'] as Record<string, { addr: string }[]>;
      expect(Object.keys(addresses)).toEqual(['auto_allocated_network']);
      expect(addresses['auto_allocated_network']![0]!.addr).toMatch(/^10\.128\.0\./);
    });

    it('takes the subnet from the default subnet pool when there is one, as Neutron', async () => {
      const carol = await projectUser(t, admin, 'auto-carol');
      const made = await api().call('POST', '/subnetpools', admin, {
        subnetpool: {
          name: 'default-v4',
          prefixes: ['10.50.0.0/16'],
          default_prefixlen: 24,
          shared: true,
          is_default: true,
        },
      });
      expect(made.statusCode, made.body).toBe(201);
      const pool = made.json().subnetpool as Record<string, unknown>;
      const res = await topology(carol.projectId, carol.token);
      expect(res.statusCode, res.body).toBe(200);
      const id = res.json().auto_allocated_topology.id as string;
      const subnets = (await api().call('GET', `/subnets?network_id=${id}`, carol.token)).json().subnets;
      expect(subnets).toMatchObject([
        { name: 'auto_allocated_subnet_v4', subnetpool_id: pool['id'], cidr: '10.50.0.0/24', ip_version: 4 },
      ]);
    });
  });
}
