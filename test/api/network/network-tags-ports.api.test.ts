import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: network tags and port updates`, () => {
    let t: TestCloud;
    let admin: string;
    let erin: ProjectUser;
    let frank: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      erin = await projectUser(t, admin, 'erin');
      frank = await projectUser(t, admin, 'frank');
    });
    afterAll(async () => t?.close());

    it('tags resources, filters lists by tags and bumps the revision', async () => {
      const a = await api.create(erin.token, 'network', { name: 'ta' });
      const b = await api.create(erin.token, 'network', { name: 'tb' });
      expect((await api.call('PUT', `/networks/${a.id}/tags/red`, erin.token)).statusCode).toBe(201);
      const all = await api.call('PUT', `/networks/${b.id}/tags`, erin.token, { tags: ['red', 'blue'] });
      expect(all.json()).toEqual({ tags: ['red', 'blue'] });
      expect((await api.call('GET', `/networks/${b.id}/tags/blue`, erin.token)).statusCode).toBe(204);
      const missing = await api.call('GET', `/networks/${a.id}/tags/blue`, erin.token);
      expect(missing.json().NeutronError).toEqual({
        type: 'TagNotFound',
        message: 'Tag blue could not be found.',
        detail: '',
      });
      const names = async (q: string) =>
        (await api.call('GET', `/networks?${q}`, erin.token))
          .json()
          .networks.map((n: { name: string }) => n.name)
          .sort();
      expect(await names('tags=red')).toEqual(['ta', 'tb']);
      expect(await names('tags=red,blue')).toEqual(['tb']);
      expect(await names('not-tags-any=blue&tags-any=red')).toEqual(['ta']);
      const shown = (await api.call('GET', `/networks/${a.id}`, erin.token)).json().network;
      expect(shown).toMatchObject({ tags: ['red'], revision_number: 2 });
      expect((await api.call('PUT', `/networks/${a.id}/tags/x`, frank.token)).statusCode).toBe(404);
      expect((await api.call('DELETE', `/networks/${b.id}/tags`, erin.token)).statusCode).toBe(204);
      expect((await api.call('GET', `/networks/${b.id}/tags`, erin.token)).json()).toEqual({ tags: [] });
    });

    it('changes fixed_ips on update, keeping matched addresses and freeing removed ones', async () => {
      const net = await api.create(erin.token, 'network', { name: 'upd' });
      const s = await api.create(erin.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.7.0.0/24',
      });
      const port = await api.create(erin.token, 'port', {
        network_id: net.id,
        fixed_ips: [{ ip_address: '10.7.0.10' }, { ip_address: '10.7.0.11' }],
      });
      const upd = await api.call('PUT', `/ports/${port.id}`, erin.token, {
        port: {
          fixed_ips: [{ ip_address: '10.7.0.11' }, { subnet_id: s.id, ip_address: '10.7.0.12' }],
          name: 'moved',
        },
      });
      expect(upd.statusCode).toBe(200);
      expect(
        upd
          .json()
          .port.fixed_ips.map((f: { ip_address: string }) => f.ip_address)
          .sort(),
      ).toEqual(['10.7.0.11', '10.7.0.12']);
      expect(upd.json().port.revision_number).toBe(2);
      // The released address is free again.
      const other = await api.create(erin.token, 'port', {
        network_id: net.id,
        fixed_ips: [{ ip_address: '10.7.0.10' }],
      });
      expect(other['fixed_ips']).toEqual([{ subnet_id: s.id, ip_address: '10.7.0.10' }]);
      const clash = await api.call('PUT', `/ports/${port.id}`, erin.token, {
        port: { fixed_ips: [{ ip_address: '10.7.0.10' }] },
      });
      expect(clash.json().NeutronError.type).toBe('IpAddressAlreadyAllocated');
      const macByMember = await api.call('PUT', `/ports/${port.id}`, erin.token, {
        port: { mac_address: 'fa:16:3e:00:00:01' },
      });
      expect(macByMember.statusCode).toBe(403);
      const mac = await api.call('PUT', `/ports/${port.id}`, admin, {
        port: { mac_address: 'FA:16:3E:00:00:01' },
      });
      expect(mac.json().port.mac_address).toBe('fa:16:3e:00:00:01');
      const dupMac = await api.call('PUT', `/ports/${other.id}`, admin, {
        port: { mac_address: 'fa:16:3e:00:00:01' },
      });
      expect(dupMac.json().NeutronError.type).toBe('MacAddressInUse');
    });

    it('keeps binding attributes for admins and lets members of other projects use shared networks only', async () => {
      const shared = await api.create(admin, 'network', { name: 'pub', shared: true });
      await api.create(admin, 'subnet', { network_id: shared.id, ip_version: 4, cidr: '10.8.0.0/24' });
      const p = await api.create(frank.token, 'port', { network_id: shared.id });
      expect(p).not.toHaveProperty('binding:vif_type');
      const explicit = await api.call('POST', '/ports', frank.token, {
        port: { network_id: shared.id, fixed_ips: [{ ip_address: '10.8.0.50' }] },
      });
      expect(explicit.statusCode).toBe(403);
      const bound = await api.call('PUT', `/ports/${p.id}`, admin, { port: { 'binding:host_id': 'host-1' } });
      expect(bound.json().port).toMatchObject({ 'binding:host_id': 'host-1', 'binding:vif_type': 'bridge' });
      const priv = await api.create(erin.token, 'network', { name: 'erin-only' });
      const denied = await api.call('POST', '/ports', frank.token, { port: { network_id: priv.id } });
      expect(denied.statusCode).toBe(404);
      expect(denied.json().NeutronError.type).toBe('NetworkNotFound');
    });

    it('gives existing ports EUI-64 addresses on a new SLAAC subnet, and frees them when it goes', async () => {
      const net = await api.create(erin.token, 'network', { name: 'v6' });
      const port = await api.create(erin.token, 'port', {
        network_id: net.id,
        mac_address: 'fa:16:3e:11:22:33',
      });
      expect(port['fixed_ips']).toEqual([]);
      const bad = await api.call('POST', '/subnets', erin.token, {
        subnet: { network_id: net.id, ip_version: 6, cidr: '2001:db8:5::/80', ipv6_address_mode: 'slaac' },
      });
      expect(bad.json().NeutronError.message).toBe(
        'Invalid input for operation: Invalid CIDR 2001:db8:5::/80 for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64.',
      );
      const slaac = await api.create(erin.token, 'subnet', {
        network_id: net.id,
        ip_version: 6,
        cidr: '2001:db8:5::/64',
        ipv6_ra_mode: 'slaac',
        ipv6_address_mode: 'slaac',
      });
      const shown = (await api.call('GET', `/ports/${port.id}`, erin.token)).json().port;
      expect(shown.fixed_ips).toEqual([
        { subnet_id: slaac.id, ip_address: '2001:db8:5:0:f816:3eff:fe11:2233' },
      ]);
      expect((await api.call('DELETE', `/subnets/${slaac.id}`, erin.token)).statusCode).toBe(204);
      expect((await api.call('GET', `/ports/${port.id}`, erin.token)).json().port.fixed_ips).toEqual([]);
    });

    it('allows one flat network per physical network and refuses provider attributes to members', async () => {
      const body = { 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1' };
      const flat = await api.create(admin, 'network', { name: 'flat1', ...body });
      expect(flat).toMatchObject({ mtu: 1500, 'provider:segmentation_id': null });
      const again = await api.call('POST', '/networks', admin, { network: { name: 'flat2', ...body } });
      expect(again.statusCode).toBe(409);
      expect(again.json().NeutronError).toEqual({
        type: 'FlatNetworkInUse',
        message: 'Unable to create the flat network. Physical network physnet1 is in use.',
        detail: '',
      });
      const vlan = await api.create(admin, 'network', {
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet1',
        'provider:segmentation_id': 42,
      });
      expect(vlan['provider:segmentation_id']).toBe(42);
      const dupVlan = await api.call('POST', '/networks', admin, {
        network: {
          'provider:network_type': 'vlan',
          'provider:physical_network': 'physnet1',
          'provider:segmentation_id': 42,
        },
      });
      expect(dupVlan.json().NeutronError.message).toBe(
        'Unable to create the network. The VLAN 42 on physical network physnet1 is in use.',
      );
      const member = await api.call('POST', '/networks', erin.token, {
        network: { 'provider:network_type': 'vxlan' },
      });
      expect(member.statusCode).toBe(403);
      expect(member.json().NeutronError.message).toBe(
        '(rule:create_network and rule:create_network:provider:network_type) is disallowed by policy',
      );
    });

    it('honours If-Match revision_number constraints on update and delete', async () => {
      const net = await api.create(erin.token, 'network', { name: 'rev' });
      const put = (rev: string, name: string) =>
        t.request({
          method: 'PUT',
          url: `/network/v2.0/networks/${net.id}`,
          token: erin.token,
          headers: { 'if-match': rev },
          payload: { network: { name } },
        });
      expect((await put('revision_number=1', 'rev2')).json().network.revision_number).toBe(2);
      const stale = await put('revision_number=1', 'rev3');
      expect(stale.statusCode).toBe(412);
      expect(stale.json().NeutronError).toEqual({
        type: 'RevisionNumberConstraintFailed',
        message: 'Constrained to 1, but current revision is 2',
        detail: '',
      });
      expect((await put('revision_number=x', 'rev3')).json().NeutronError.message).toBe(
        'Bad if-match request: Revision number etag must be in the format of revision_number=<int>.',
      );
      const del = await t.request({
        method: 'DELETE',
        url: `/network/v2.0/networks/${net.id}`,
        token: erin.token,
        headers: { 'if-match': 'revision_number=2' },
      });
      expect(del.statusCode).toBe(204);
    });
  });
}
