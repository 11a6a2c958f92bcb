import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: DNS integration (dns_domain, dns_name, dns_assignment)`, () => {
    let t: TestCloud;
    let admin = '';
    let named = '';
    let plain = '';
    const api = () => networkClient(t);
    const badRequest = (res: { statusCode: number; json: () => Json }, message: string) => {
      expect(res.statusCode).toBe(400);
      expect(res.json()['NeutronError']).toMatchObject({ type: 'HTTPBadRequest', message });
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      admin = await t.adminToken();
      named = (await api().create(admin, 'network', { name: 'named', dns_domain: 'Example.ORG.' }))[
        'id'
      ] as string;
      plain = (await api().create(admin, 'network', { name: 'plain' }))['id'] as string;
      await api().create(admin, 'subnet', { network_id: named, cidr: '10.61.0.0/24', ip_version: 4 });
      await api().create(admin, 'subnet', { network_id: plain, cidr: '10.62.0.0/24', ip_version: 4 });
    });
    afterAll(async () => t?.close());

    it('stores a network dns_domain lower-cased, shows "" when unset, updates and filters by it', async () => {
      const show = async (id: string) =>
        (await api().call('GET', `/networks/${id}`, admin)).json().network as Json;
      expect((await show(named))['dns_domain']).toBe('example.org.');
      expect((await show(plain))['dns_domain']).toBe('');
      const listed = (await api().call('GET', '/networks?dns_domain=example.org.', admin)).json()
        .networks as Json[];
      expect(listed.map((n) => n['id'])).toEqual([named]);
      const upd = await api().call('PUT', `/networks/${plain}`, admin, {
        network: { dns_domain: 'plain.test.' },
      });
      expect(upd.statusCode).toBe(200);
      expect(upd.json().network['dns_domain']).toBe('plain.test.');
      await api().call('PUT', `/networks/${plain}`, admin, { network: { dns_domain: '' } });
      expect((await show(plain))['dns_domain']).toBe('');
    });

    it("refuses a domain that is not an FQDN in neutron-lib's words, and changes nothing", async () => {
      const before = (await api().call('GET', `/networks/${named}`, admin)).json().network as Json;
      badRequest(
        await api().call('PUT', `/networks/${named}`, admin, { network: { dns_domain: 'example.org' } }),
        "Invalid input for dns_domain. Reason: 'example.org' is not a FQDN.",
      );
      badRequest(
        await api().call('POST', '/networks', admin, { network: { name: 'x', dns_domain: 'a.-b.' } }),
        "Invalid input for dns_domain. Reason: 'a.-b.' not a valid PQDN or FQDN. Reason: Name '-b' must not start or end with a hyphen.",
      );
      const after = (await api().call('GET', `/networks/${named}`, admin)).json().network as Json;
      expect(after).toEqual(before);
      const names = (await api().call('GET', '/networks?name=x', admin)).json().networks as Json[];
      expect(names).toEqual([]);
    });

    it('names ports: dns_name lower-cased, dns_assignment per address in the network domain', async () => {
      const p = await api().create(admin, 'port', { network_id: named, dns_name: 'Web-1' });
      const ip = String((p['fixed_ips'] as Json[])[0]!['ip_address']);
      expect(p['dns_name']).toBe('web-1');
      expect(p['dns_assignment']).toEqual([
        { hostname: 'web-1', ip_address: ip, fqdn: 'web-1.example.org.' },
      ]);
      // No dns_name and no network domain: Neutron's host-<address> in the cloud's domain.
      const q = await api().create(admin, 'port', { network_id: plain });
      const qip = String((q['fixed_ips'] as Json[])[0]!['ip_address']);
      const host = `host-${qip.replace(/\./g, '-')}`;
      expect(q['dns_name']).toBe('');
      expect(q['dns_assignment']).toEqual([
        { hostname: host, ip_address: qip, fqdn: `${host}.openstacklocal.` },
      ]);
      const upd = await api().call('PUT', `/ports/${q['id']}`, admin, { port: { dns_name: 'db' } });
      expect(upd.json().port['dns_assignment']).toEqual([
        { hostname: 'db', ip_address: qip, fqdn: 'db.openstacklocal.' },
      ]);
      // The list (rendered in SQL on SQLite) says what show says, and filters by dns_name.
      const list = (await api().call('GET', `/ports?dns_name=web-1`, admin)).json().ports as Json[];
      expect(list).toHaveLength(1);
      const shown = (await api().call('GET', `/ports/${p['id']}`, admin)).json().port as Json;
      expect(list[0]).toEqual(shown);
      const all = (await api().call('GET', `/ports?network_id=${named}&fields=dns_assignment`, admin)).json()
        .ports as Json[];
      expect(all).toContainEqual({ dns_assignment: shown['dns_assignment'] });
    });

    it("refuses bad port names in neutron-lib's words, and dns_assignment in a request", async () => {
      badRequest(
        await api().call('POST', '/ports', admin, { port: { network_id: named, dns_name: 'under_score' } }),
        "Invalid input for dns_name. Reason: 'under_score' not a valid PQDN or FQDN. Reason: Name 'under_score' must be 1-63 characters long, each of which can only be alphanumeric or a hyphen.",
      );
      badRequest(
        await api().call('POST', '/ports', admin, { port: { network_id: named, dns_assignment: [] } }),
        "Attribute 'dns_assignment' not allowed in POST",
      );
      const count = (await api().call('GET', `/ports?network_id=${named}&dns_name=under_score`, admin)).json()
        .ports as Json[];
      expect(count).toEqual([]);
    });

    it('keeps a floating IP dns_name and dns_domain given on create, and refuses them later', async () => {
      const ext = (await api().create(admin, 'network', { name: 'ext', 'router:external': true }))[
        'id'
      ] as string;
      await api().create(admin, 'subnet', { network_id: ext, cidr: '172.31.61.0/24', ip_version: 4 });
      const fip = await api().create(admin, 'floatingip', {
        floating_network_id: ext,
        dns_name: 'Www',
        dns_domain: 'example.org.',
      });
      expect(fip).toMatchObject({ dns_name: 'www', dns_domain: 'example.org.' });
      const shown = (await api().call('GET', `/floatingips/${fip['id']}`, admin)).json().floatingip as Json;
      expect(shown).toMatchObject({ dns_name: 'www', dns_domain: 'example.org.' });
      badRequest(
        await api().call('PUT', `/floatingips/${fip['id']}`, admin, { floatingip: { dns_name: 'x' } }),
        'Cannot update read-only attribute dns_name',
      );
      badRequest(
        await api().call('POST', '/floatingips', admin, {
          floatingip: { floating_network_id: ext, dns_name: 'a.b.' },
        }),
        "Invalid input for dns_name. Reason: 'a.b.' is a FQDN. It should be a relative domain name.",
      );
      const all = (await api().call('GET', `/floatingips?floating_network_id=${ext}`, admin)).json()
        .floatingips as Json[];
      expect(all).toHaveLength(1);
    });

    it("names the ports compute makes for a server after the server's hostname, and clears it on unbind", async () => {
      const flavor = await createFlavor(t, admin, { name: 'dns', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, admin, 'dns-img');
      const id = await bootServer(t, admin, {
        name: 'App Server',
        imageRef: image,
        flavorRef: flavor,
        networks: [{ uuid: named }],
      });
      await waitForServer(t, admin, id, 'ACTIVE');
      const [port] = (await api().call('GET', `/ports?device_id=${id}`, admin)).json().ports as Json[];
      expect(port!['dns_name']).toBe('app-server');
      expect((port!['dns_assignment'] as Json[])[0]!['fqdn']).toBe('app-server.example.org.');
      // A user's port attached to a server gets the name too, and loses it when detached.
      const own = await api().create(admin, 'port', { network_id: named });
      const attach = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${id}/os-interface`,
        token: admin,
        payload: { interfaceAttachment: { port_id: own['id'] } },
      });
      expect(attach.statusCode, attach.body).toBe(200);
      const bound = (await api().call('GET', `/ports/${own['id']}`, admin)).json().port as Json;
      expect(bound['dns_name']).toBe('app-server');
      const del = await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
      expect(del.statusCode).toBe(204);
      await waitForServer(t, admin, id, 'DELETED');
      const kept = (await api().call('GET', `/ports/${own['id']}`, admin)).json().port as Json;
      expect(kept).toMatchObject({ device_id: '', dns_name: '' });
    });
  });

  describe(`${dialect}: DNS integration with a cloud domain (dnsDomain)`, () => {
    let t: TestCloud;
    let admin = '';
    let net = '';
    const api = () => networkClient(t);
    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none', dnsDomain: 'corp.example' });
      admin = await t.adminToken();
      net = (await api().create(admin, 'network', { name: 'n' }))['id'] as string;
      await api().create(admin, 'subnet', { network_id: net, cidr: '10.63.0.0/24', ip_version: 4 });
    });
    afterAll(async () => t?.close());

    it("puts names in the cloud's domain and holds FQDN names to it, as Neutron's dns_domain option", async () => {
      const p = await api().create(admin, 'port', { network_id: net, dns_name: 'a' });
      expect((p['dns_assignment'] as Json[])[0]!['fqdn']).toBe('a.corp.example.');
      const fq = await api().create(admin, 'port', { network_id: net, dns_name: 'b.corp.example.' });
      expect((fq['dns_assignment'] as Json[])[0]!['fqdn']).toBe('b.corp.example.');
      // The list by network (rendered by the database on SQLite) matches show, port for port.
      const listed = (await api().call('GET', `/ports?network_id=${net}`, admin)).json().ports as Json[];
      for (const id of [p['id'], fq['id']]) {
        const shown = (await api().call('GET', `/ports/${String(id)}`, admin)).json().port as Json;
        expect(listed.find((x) => x['id'] === id)).toEqual(shown);
      }
      const res = await api().call('POST', '/ports', admin, {
        port: { network_id: net, dns_name: 'c.other.example.' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()['NeutronError']['message']).toBe(
        "Invalid input for dns_name. Reason: The dns_name passed is a FQDN. Its higher level labels must be equal to the dns_domain option in neutron.conf, that has been set to 'corp.example.'. It must also include one or more valid DNS labels to the left of 'corp.example.'.",
      );
    });
  });
}
