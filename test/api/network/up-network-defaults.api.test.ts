import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootServer, waitForServer } from '../../support/compute-fixtures.js';
import { bootstrapComputeDefaults, testImageName } from '../../../src/cli/up-bootstrap.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: strata up's default networks`, () => {
    let t: TestCloud;
    let admin: string;
    let project: string;
    const get = async (url: string) => {
      const res = await t.request({ method: 'GET', url: `/network/v2.0/${url}`, token: admin });
      expect(res.statusCode).toBe(200);
      return res.json() as Json;
    };
    const list = async (kind: string) => (await get(kind))[kind.replaceAll('-', '_')] as Json[];
    const byName = async (kind: string, name: string) => {
      const found = (await list(kind)).filter((r) => r['name'] === name);
      expect(found).toHaveLength(1);
      return found[0]!;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      const projects = await t.request({
        method: 'GET',
        url: '/identity/v3/projects?name=admin',
        token: admin,
      });
      project = projects.json().projects[0].id as string;
      expect(await t.cloud.network.createDefaults(project)).toBe(true);
      await bootstrapComputeDefaults(t.cloud, project);
    });
    afterAll(async () => t?.close());

    it("creates DevStack's external network public, flat on physnet public, with its subnet", async () => {
      const pub = await byName('networks', 'public');
      expect(pub).toMatchObject({
        'router:external': true,
        shared: false,
        project_id: project,
        'provider:network_type': 'flat',
        'provider:physical_network': 'public',
      });
      const sub = await byName('subnets', 'public-subnet');
      expect(sub).toMatchObject({
        network_id: pub['id'],
        ip_version: 4,
        cidr: '172.24.4.0/24',
        gateway_ip: '172.24.4.1',
        enable_dhcp: false,
        allocation_pools: [{ start: '172.24.4.2', end: '172.24.4.254' }],
      });
    });

    it("creates the admin project's private network with DevStack's 10.0.0.0/26 from its default pool", async () => {
      const priv = await byName('networks', 'private');
      expect(priv).toMatchObject({ 'router:external': false, shared: false, project_id: project });
      const pool = await byName('subnetpools', 'shared-default-subnetpool-v4');
      expect(pool).toMatchObject({
        prefixes: ['10.0.0.0/22'],
        default_prefixlen: '26', // Neutron renders prefix lengths as strings
        shared: true,
        is_default: true,
        ip_version: 4,
      });
      expect(await byName('subnets', 'private-subnet')).toMatchObject({
        subnetpool_id: pool['id'],
        network_id: priv['id'],
        cidr: '10.0.0.0/26',
        gateway_ip: '10.0.0.1',
        enable_dhcp: true,
      });
    });

    it('routes private to public through router1', async () => {
      const router = await byName('routers', 'router1');
      const pub = await byName('networks', 'public');
      const pubSub = await byName('subnets', 'public-subnet');
      const privSub = await byName('subnets', 'private-subnet');
      const gw = router['external_gateway_info'] as Json;
      expect(router['project_id']).toBe(project);
      expect(gw['network_id']).toBe(pub['id']);
      expect(gw['external_fixed_ips']).toEqual([
        { subnet_id: pubSub['id'], ip_address: expect.stringMatching(/^172\.24\.4\./) },
      ]);
      const ifaces = (
        await get(`ports?device_id=${router['id'] as string}&device_owner=network:router_interface`)
      )['ports'] as Json[];
      expect(ifaces.map((p) => p['fixed_ips'])).toEqual([
        [{ subnet_id: privSub['id'], ip_address: '10.0.0.1' }],
      ]);
    });

    it("lets ping and SSH into the admin project's default group", async () => {
      const groups = (await list('security-groups')).filter((g) => g['project_id'] === project);
      expect(groups.map((g) => g['name'])).toEqual(['default']);
      const rules = (groups[0]!['security_group_rules'] as Json[])
        .filter((r) => r['direction'] === 'ingress' && r['remote_group_id'] === null)
        .map((r) => [
          r['ethertype'],
          r['protocol'],
          r['port_range_min'],
          r['port_range_max'],
          r['remote_ip_prefix'],
        ]);
      expect(rules.sort()).toEqual([
        ['IPv4', 'icmp', null, null, '0.0.0.0/0'],
        ['IPv4', 'tcp', 22, 22, '0.0.0.0/0'],
      ]);
    });

    it("boots a server that names no network on private, not on the admin's external public", async () => {
      const images = await t.request({
        method: 'GET',
        url: `/image/v2/images?name=${testImageName}`,
        token: admin,
      });
      const image = (images.json().images as Json[])[0];
      expect(image).toBeDefined();
      const id = await bootServer(t, admin, { name: 'auto', imageRef: image!['id'], flavorRef: '1' });
      const s = await waitForServer(t, admin, id, 'ACTIVE');
      expect(Object.keys(s['addresses'] as Json)).toEqual(['private']);
      const del = await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
      expect(del.statusCode).toBe(204);
      await waitForServer(t, admin, id, 'DELETED');
    });

    it('creates nothing twice when run again', async () => {
      const count = async () =>
        Promise.all(
          ['networks', 'subnets', 'ports', 'routers', 'security-group-rules'].map(
            async (k) => (await list(k)).length,
          ),
        );
      const before = await count();
      expect(await t.cloud.network.createDefaults(project)).toBe(false);
      expect(await count()).toEqual(before);
    });

    it('leaves deleted defaults deleted while any network remains', async () => {
      const rule = (await list('security-group-rules')).find((r) => r['protocol'] === 'icmp')!;
      const del = await t.request({
        method: 'DELETE',
        url: `/network/v2.0/security-group-rules/${rule['id'] as string}`,
        token: admin,
      });
      expect(del.statusCode).toBe(204);
      expect(await t.cloud.network.createDefaults(project)).toBe(false);
      expect((await list('security-group-rules')).filter((r) => r['protocol'] === 'icmp')).toEqual([]);
    });
  });
}
