import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { floatingIpResource } from '../../../src/network/floatingips/floatingip-response-schemas.js';
import { compileResponseChecker } from '../../../src/common/http/response-check.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

/** Where Strata's network API drifted from Neutron's, each held to Neutron's answer. */
for (const dialect of testDialects()) {
  describe(`${dialect}: network API drifts`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
    });
    afterAll(async () => t?.close());

    it('lists the resources at /v2.0/ only: /v2.0 is 404, after the token check', async () => {
      const slash = await t.request({ method: 'GET', url: '/network/v2.0/', token: alice.token });
      expect(slash.statusCode).toBe(200);
      expect(slash.json().resources.map((r: Json) => r['collection'])).toEqual([
        'networks',
        'subnets',
        'subnetpools',
        'ports',
      ]);
      const bare = await t.request({ method: 'GET', url: '/network/v2.0', token: alice.token });
      expect(bare.statusCode).toBe(404);
      expect(bare.json()).toEqual({
        NeutronError: { type: 'HTTPNotFound', message: 'The resource could not be found.', detail: '' },
      });
      const anonymous = await t.request({ method: 'GET', url: '/network/v2.0' });
      expect(anonymous.statusCode).toBe(401);
      // The versions document, which version discovery reads, is unchanged.
      const versions = await t.request({ method: 'GET', url: '/network' });
      expect(versions.statusCode).toBe(200);
      expect(versions.json().versions[0].links[0].href).toMatch(/\/network\/v2\.0\/$/);
    });

    it('refuses segment_id on subnets as unrecognized (no segment extension) and writes nothing', async () => {
      const net = await api.create(alice.token, 'network', { name: 'no-segments' });
      for (const segment of [null, '00000000-0000-0000-0000-000000000001']) {
        const res = await api.call('POST', '/subnets', alice.token, {
          subnet: { network_id: net['id'], ip_version: 4, cidr: '10.80.0.0/24', segment_id: segment },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().NeutronError).toEqual({
          type: 'HTTPBadRequest',
          message: "Unrecognized attribute(s) 'segment_id'",
          detail: '',
        });
      }
      const listed = await api.call('GET', `/subnets?network_id=${String(net['id'])}`, alice.token);
      expect(listed.json().subnets).toEqual([]);
      const subnet = await api.create(alice.token, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.80.0.0/24',
      });
      const update = await api.call('PUT', `/subnets/${String(subnet['id'])}`, alice.token, {
        subnet: { segment_id: null, name: 'renamed' },
      });
      expect(update.statusCode).toBe(400);
      expect(update.json().NeutronError.message).toBe("Unrecognized attribute(s) 'segment_id'");
      const shown = await api.call('GET', `/subnets/${String(subnet['id'])}`, alice.token);
      expect(shown.json().subnet.name).toBe('');
    });

    it('takes tags on every resource standard-attr-tag covers, and names them in the extension', async () => {
      const ext = (await api.call('GET', '/extensions/standard-attr-tag', alice.token)).json().extension;
      expect(ext.name).toBe(
        'Tag support for resources with standard attribute: port, subnet, subnetpool, network, security_group, router, floatingip',
      );
      const pub = await api.create(admin, 'network', { name: 'tag-public', 'router:external': true });
      await api.create(admin, 'subnet', { network_id: pub['id'], ip_version: 4, cidr: '172.26.4.0/24' });
      const net = await api.create(alice.token, 'network', { name: 'tagged' });
      const subnet = await api.create(alice.token, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.82.0.0/24',
      });
      const port = await api.create(alice.token, 'port', { network_id: net['id'] });
      const router = await api.create(alice.token, 'router', { name: 'tagged' });
      const fip = await api.create(alice.token, 'floatingip', { floating_network_id: pub['id'] });
      const sg = await api.call('POST', '/security-groups', alice.token, {
        security_group: { name: 'tagged' },
      });
      const pool = await api.call('POST', '/subnetpools', alice.token, {
        subnetpool: { name: 'tagged', prefixes: ['10.83.0.0/16'] },
      });
      const resources: Array<[string, string, unknown]> = [
        ['networks', 'network', net['id']],
        ['subnets', 'subnet', subnet['id']],
        ['ports', 'port', port['id']],
        ['routers', 'router', router['id']],
        ['floatingips', 'floatingip', fip['id']],
        ['security-groups', 'security_group', sg.json().security_group.id],
        ['subnetpools', 'subnetpool', pool.json().subnetpool.id],
      ];
      for (const [path, member, id] of resources) {
        const put = await api.call('PUT', `/${path}/${String(id)}/tags/drift-${member}`, alice.token);
        expect(put.statusCode, `${path}: ${put.body}`).toBe(201);
        const shown = (await api.call('GET', `/${path}/${String(id)}`, alice.token)).json()[member];
        expect(shown.tags, path).toEqual([`drift-${member}`]);
        const listed = await api.call('GET', `/${path}?tags=drift-${member}`, alice.token);
        const key = `${member}s`;
        expect(
          listed.json()[key].map((r: Json) => r['id']),
          path,
        ).toEqual([id]);
      }
    });

    it("shows a floating IP's port_details while associated, null otherwise (fip-port-details)", async () => {
      const ext = await api.call('GET', '/extensions/fip-port-details', alice.token);
      expect(ext.json().extension).toEqual({
        alias: 'fip-port-details',
        name: 'Floating IP Port Details Extension',
        description: 'Add port_details attribute to Floating IP resource',
        updated: '2018-04-09T10:00:00-00:00',
        links: [],
      });
      const pub = await api.create(admin, 'network', { name: 'drift-public', 'router:external': true });
      await api.create(admin, 'subnet', { network_id: pub['id'], ip_version: 4, cidr: '172.25.4.0/24' });
      const net = await api.create(alice.token, 'network', { name: 'drift-private' });
      const subnet = await api.create(alice.token, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.81.0.0/24',
      });
      const router = await api.create(alice.token, 'router', {
        external_gateway_info: { network_id: pub['id'] },
      });
      const added = await api.call(
        'PUT',
        `/routers/${String(router['id'])}/add_router_interface`,
        alice.token,
        {
          subnet_id: subnet['id'],
        },
      );
      expect(added.statusCode, added.body).toBe(200);
      const port = await api.create(alice.token, 'port', {
        network_id: net['id'],
        name: 'web',
        device_id: 'server-1',
        device_owner: 'compute:nova',
      });
      const fip = await api.create(alice.token, 'floatingip', {
        floating_network_id: pub['id'],
        port_id: port['id'],
      });
      const details = {
        name: 'web',
        network_id: net['id'],
        mac_address: port['mac_address'],
        admin_state_up: true,
        status: 'DOWN',
        device_id: 'server-1',
        device_owner: 'compute:nova',
      };
      expect(fip['port_details']).toEqual(details);
      const full = compileResponseChecker(floatingIpResource.full);
      expect(full(fip, undefined)).toEqual([]);
      const listed = await api.call('GET', `/floatingips?id=${String(fip['id'])}`, alice.token);
      expect(listed.json().floatingips[0].port_details).toEqual(details);
      const picked = await api.call(
        'GET',
        `/floatingips/${String(fip['id'])}?fields=port_details`,
        alice.token,
      );
      expect(picked.json()).toEqual({ floatingip: { port_details: details } });
      const refused = await api.call('PUT', `/floatingips/${String(fip['id'])}`, alice.token, {
        floatingip: { port_details: null },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().NeutronError.message).toBe('Cannot update read-only attribute port_details');
      const freed = await api.call('PUT', `/floatingips/${String(fip['id'])}`, alice.token, {
        floatingip: { port_id: null },
      });
      expect(freed.statusCode).toBe(200);
      expect(freed.json().floatingip.port_details).toBeNull();
      expect(full(freed.json().floatingip, undefined)).toEqual([]);
    });
  });
}
