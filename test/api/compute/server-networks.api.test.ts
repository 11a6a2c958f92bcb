import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDataplane } from '../../../src/agent/dataplane/fake/fake-dataplane.js';
import type { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from '../network/network-fixtures.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectFault } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: servers on networks (ports through the network service)`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let image: string;
    let net: string;
    let subnet: string;
    const nova = () => computeCaller(t);
    const neutron = () => networkClient(t);
    const driver = () => t.cloud.compute.agents.driver('fake-0001') as FakeDriver;
    const port = async (id: string, token = p.admin) =>
      (await neutron().call('GET', `/ports/${id}`, token)).json().port as Record<string, unknown>;
    const serverPorts = async (server: string) =>
      (await neutron().call('GET', `/ports?device_id=${server}`, p.admin)).json().ports as Record<
        string,
        unknown
      >[];
    const boot = (name: string, networks: unknown, token = p.member) =>
      t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token,
        headers: { 'openstack-api-version': 'compute 2.37' },
        payload: { server: { name, imageRef: image, flavorRef: flavor, networks } },
      });

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, { name: 'net', vcpus: 1, ram: 64, disk: 1 });
      image = await createImage(t, p.admin, 'net-img');
      net = (await neutron().create(p.member, 'network', { name: 'private' }))['id'] as string;
      subnet = (
        await neutron().create(p.member, 'subnet', { network_id: net, cidr: '10.0.0.0/24', ip_version: 4 })
      )['id'] as string;
    });
    afterAll(async () => t?.close());

    it('boots on a network: a port bound to the server and host, a NIC, addresses and ips', async () => {
      const id = await bootServer(t, p.member, {
        name: 'n1',
        imageRef: image,
        flavorRef: flavor,
        networks: [{ uuid: net }],
      });
      const shown = await waitForServer(t, p.member, id, 'ACTIVE');
      const [pt] = await serverPorts(id);
      // Plugged by the host's dataplane before the server went ACTIVE.
      expect(pt).toMatchObject({
        network_id: net,
        device_id: id,
        device_owner: 'compute:nova',
        'binding:host_id': 'fake-0001',
        'binding:vif_type': 'tap',
        status: 'ACTIVE',
      });
      const plane = t.cloud.compute.agents.dataplane('fake-0001') as FakeDataplane;
      expect(plane.calls).toContainEqual({ op: 'ensureNetwork', networkId: net });
      expect(plane.plugged.get(pt!['id'] as string)).toBe(`tap${String(pt!['id']).slice(0, 11)}`);
      const ip = (pt!['fixed_ips'] as { ip_address: string; subnet_id: string }[])[0]!;
      expect(ip.subnet_id).toBe(subnet);
      expect(shown['addresses']).toEqual({
        private: [
          {
            version: 4,
            addr: ip.ip_address,
            'OS-EXT-IPS:type': 'fixed',
            'OS-EXT-IPS-MAC:mac_addr': pt!['mac_address'],
          },
        ],
      });
      const nics = (await driver().devices(id)).flatMap((d) => (d.kind === 'nic' ? [d.nic] : []));
      expect(nics).toMatchObject([
        {
          portId: pt!['id'],
          networkId: net,
          mac: pt!['mac_address'],
          mtu: 1450,
          hostName: `tap${String(pt!['id']).slice(0, 11)}`,
          fixedIps: [{ ipAddress: ip.ip_address, cidr: '10.0.0.0/24', gateway: '10.0.0.1' }],
        },
      ]);
      const ips = await nova()('GET', `/servers/${id}/ips`, p.member);
      expect(ips.json()).toEqual({ addresses: { private: [{ version: 4, addr: ip.ip_address }] } });
      const one = await nova()('GET', `/servers/${id}/ips/private`, p.member);
      expect(one.json()).toEqual({ private: [{ version: 4, addr: ip.ip_address }] });
      expectFault(
        await nova()('GET', `/servers/${id}/ips/public`, p.member),
        404,
        'Instance is not a member of specified network',
      );
      const detail = (await nova()('GET', '/servers/detail', p.member)).json().servers as {
        id: string;
        addresses: unknown;
      }[];
      expect(detail.find((s) => s.id === id)?.addresses).toEqual(shown['addresses']);

      expect((await nova()('DELETE', `/servers/${id}`, p.member)).statusCode).toBe(204);
      await waitForServer(t, p.member, id, 'DELETED');
      expect((await neutron().call('GET', `/ports/${pt!['id'] as string}`, p.admin)).statusCode).toBe(404);
      expect(plane.plugged.has(pt!['id'] as string)).toBe(false);
    });

    it("settles a build's NIC with the build itself: plugged once, no device pass after ACTIVE", async () => {
      const id = await bootServer(t, p.member, {
        name: 'n-once',
        imageRef: image,
        flavorRef: flavor,
        networks: [{ uuid: net }],
      });
      await waitForServer(t, p.member, id, 'ACTIVE');
      const [pt] = await serverPorts(id);
      const attachments = (
        await t.request({ method: 'GET', url: `/compute/agent/v1/servers/${id}/devices`, token: p.admin })
      ).json().devices as { kind: string; status: string }[];
      // Attached in the same write that made the server ACTIVE, not by a later device step.
      expect(attachments).toMatchObject([{ kind: 'nic', status: 'attached' }]);
      const plane = t.cloud.compute.agents.dataplane('fake-0001') as FakeDataplane;
      const plugs = plane.calls.filter((c) => c.op === 'plugPort' && c.portId === pt!['id']);
      expect(plugs).toHaveLength(1);
      expect(await driver().devices(id)).toHaveLength(1);
    });

    it('binds a user port and a fixed IP; delete unbinds the user port and keeps it', async () => {
      const own = await neutron().create(p.member, 'port', { network_id: net });
      const res = await boot('n2', [{ port: own['id'] }, { uuid: net, fixed_ip: '10.0.0.77' }]);
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().server.id as string;
      const shown = await waitForServer(t, p.member, id, 'ACTIVE');
      const addrs = (shown['addresses'] as Record<string, { addr: string }[]>)['private']!.map((a) => a.addr);
      expect(addrs).toContain('10.0.0.77');
      expect(await port(own['id'] as string)).toMatchObject({ device_id: id, device_owner: 'compute:nova' });

      expectFault(
        await boot('n3', [{ port: own['id'] }]),
        409,
        `Port ${own['id'] as string} is still in use.`,
      );
      expectFault(
        await boot('n4', [{ uuid: net, fixed_ip: '10.0.0.77' }]),
        400,
        `Fixed IP address 10.0.0.77 is already in use on instance ${id}.`,
      );

      // A delete that crashed half-way through releasing: one port already gone, the user's unbound.
      const made = (await serverPorts(id)).find((x) => x['id'] !== own['id'])!;
      await t.cloud.compute.deps.network.deletePort(made['id'] as string);
      await t.cloud.compute.deps.network.unbindPort(own['id'] as string, id);
      expect((await nova()('DELETE', `/servers/${id}`, p.member)).statusCode).toBe(204);
      await waitForServer(t, p.member, id, 'DELETED');
      expect(await port(own['id'] as string)).toMatchObject({
        device_id: '',
        device_owner: '',
        'binding:host_id': '',
        status: 'DOWN',
      });
      expect(await serverPorts(id)).toEqual([]);
    });

    it("shows each address's version and addr only on update, as Nova (extend_address=False)", async () => {
      const id = await bootServer(t, p.member, {
        name: 'plain',
        imageRef: image,
        flavorRef: flavor,
        networks: [{ uuid: net }],
      });
      const shown = await waitForServer(t, p.member, id, 'ACTIVE');
      const full = Object.values(shown['addresses'] as Record<string, object[]>).flat();
      expect(Object.keys(full[0]!).sort()).toEqual(
        ['OS-EXT-IPS-MAC:mac_addr', 'OS-EXT-IPS:type', 'addr', 'version'].sort(),
      );
      const res = await t.request({
        method: 'PUT',
        url: `/compute/v2.1/servers/${id}`,
        token: p.member,
        payload: { server: { name: 'plain-2' } },
      });
      const plain = Object.values(res.json().server.addresses as Record<string, object[]>).flat();
      expect(plain.map((a) => Object.keys(a).sort())).toEqual(full.map(() => ['addr', 'version']));
    });

    it('refuses unknown, foreign and busy networks and ports with Nova faults, creating nothing', async () => {
      const before = (await nova()('GET', '/servers', p.member)).json().servers.length as number;
      const ports = (await neutron().call('GET', '/ports', p.admin)).json().ports.length as number;
      const missing = '0f7a1c52-3c1e-4b7e-9d53-7f2f1e0b9a01';
      expectFault(await boot('x1', [{ uuid: missing }]), 400, `Network ${missing} could not be found.`);
      expectFault(await boot('x2', [{ port: missing }]), 400, `Port id ${missing} could not be found.`);
      // Another project's private network is not there for this caller.
      expectFault(await boot('x3', [{ uuid: net }], p.other), 400, `Network ${net} could not be found.`);
      const bare = (await neutron().create(p.member, 'network', { name: 'bare' }))['id'] as string;
      expectFault(
        await boot('x4', [{ uuid: bare }]),
        400,
        `Network ${bare} requires a subnet in order to boot instances on.`,
      );
      // Two networks now: auto cannot choose.
      expectFault(
        await boot('x5', 'auto'),
        409,
        'More than one possible network found. Specify network ID(s) to select which one(s) to connect to.',
      );
      expectFault(
        await boot('x6', [{ uuid: net, fixed_ip: '10.0.0.300' }]),
        400,
        'Invalid fixed IP address (10.0.0.300)',
      );
      expect((await neutron().call('DELETE', `/networks/${bare}`, p.member)).statusCode).toBe(204);
      expect((await nova()('GET', '/servers', p.member)).json().servers.length).toBe(before);
      expect((await neutron().call('GET', '/ports', p.admin)).json().ports.length).toBe(ports);
    });

    it('auto takes the only network; none takes nothing', async () => {
      const auto = await boot('a1', 'auto');
      expect(auto.statusCode, auto.body).toBe(202);
      const none = await boot('a2', 'none');
      const a = auto.json().server.id as string;
      const n = none.json().server.id as string;
      expect(Object.keys((await waitForServer(t, p.member, a, 'ACTIVE'))['addresses'] as object)).toEqual([
        'private',
      ]);
      expect((await waitForServer(t, p.member, n, 'ACTIVE'))['addresses']).toEqual({});
      for (const id of [a, n]) await nova()('DELETE', `/servers/${id}`, p.member);
    });

    it('os-interface: attaches a network and a port to a running server, shows, lists and detaches them', async () => {
      const id = (await boot('i1', 'none')).json().server.id as string;
      await waitForServer(t, p.member, id, 'ACTIVE');
      const url = `/servers/${id}/os-interface`;
      const byNet = await nova()('POST', url, p.member, { interfaceAttachment: { net_id: net } });
      expect(byNet.statusCode, byNet.body).toBe(200);
      const a = byNet.json().interfaceAttachment as Record<string, unknown>;
      expect(Object.keys(a).sort()).toEqual(['fixed_ips', 'mac_addr', 'net_id', 'port_id', 'port_state']);
      expect(a['net_id']).toBe(net);
      const own = await neutron().create(p.member, 'port', { network_id: net });
      const byPort = await nova()('POST', url, p.member, { interfaceAttachment: { port_id: own['id'] } });
      expect(byPort.statusCode, byPort.body).toBe(200);
      const nicIds = async () =>
        (await driver().devices(id)).flatMap((d) => (d.kind === 'nic' ? [d.nic.portId] : []));
      for (let i = 0; i < 200 && (await nicIds()).length < 2; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await nicIds()).toEqual([a['port_id'], own['id']]);
      expect((await port(own['id'] as string))['status']).toBe('ACTIVE');
      const list = (await nova()('GET', url, p.member)).json().interfaceAttachments as { port_id: string }[];
      expect(list.map((x) => x.port_id)).toEqual([a['port_id'], own['id']]);
      const shown = await nova()('GET', `${url}/${own['id'] as string}`, p.member);
      expect(shown.json().interfaceAttachment).toMatchObject({ port_id: own['id'], port_state: 'ACTIVE' });

      expectFault(
        await nova()('POST', url, p.member, { interfaceAttachment: { port_id: own['id'] } }),
        409,
        `Port ${own['id'] as string} is still in use.`,
      );
      expectFault(
        await nova()('POST', url, p.member, { interfaceAttachment: { net_id: net, port_id: own['id'] } }),
        400,
        'Must not input both network_id and port_id',
      );
      const missing = '0f7a1c52-3c1e-4b7e-9d53-7f2f1e0b9a02';
      expectFault(
        await nova()('POST', url, p.member, { interfaceAttachment: { net_id: missing } }),
        404,
        `Network ${missing} could not be found.`,
      );
      expectFault(
        await nova()('DELETE', `${url}/${missing}`, p.member),
        404,
        `Port ${missing} is not attached`,
      );

      expect((await nova()('DELETE', `${url}/${a['port_id'] as string}`, p.member)).statusCode).toBe(202);
      expect((await nova()('DELETE', `${url}/${own['id'] as string}`, p.member)).statusCode).toBe(202);
      for (let i = 0; i < 200 && (await nicIds()).length > 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await nicIds()).toEqual([]);
      expect((await neutron().call('GET', `/ports/${a['port_id'] as string}`, p.admin)).statusCode).toBe(404);
      expect(await port(own['id'] as string)).toMatchObject({ device_id: '', status: 'DOWN' });
      expect((await nova()('GET', url, p.member)).json().interfaceAttachments).toEqual([]);
      await nova()('DELETE', `/servers/${id}`, p.member);
    });

    it('fails the build of a server whose port cannot be made, alone and with nothing left of it', async () => {
      const small = (await neutron().create(p.member, 'network', { name: 'small' }))['id'] as string;
      await neutron().create(p.member, 'subnet', {
        network_id: small,
        cidr: '10.9.0.0/24',
        ip_version: 4,
        allocation_pools: [{ start: '10.9.0.10', end: '10.9.0.11' }],
      });
      const r = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.37' },
        payload: {
          server: {
            name: 'exh',
            imageRef: image,
            flavorRef: flavor,
            networks: [{ uuid: small }],
            max_count: 3,
          },
        },
      });
      expect(r.statusCode, r.body).toBe(202);
      const listed = (await nova()('GET', '/servers?name=exh', p.member)).json().servers as { id: string }[];
      expect(listed).toHaveLength(3);
      const states = new Map<string, string[]>();
      for (const { id } of listed) {
        // A build whose port failed is ERROR by the time of the 202; the others go on to ACTIVE.
        const now = (await nova()('GET', `/servers/${id}`, p.member)).json().server as Record<
          string,
          unknown
        >;
        const s = now['status'] === 'ERROR' ? now : await waitForServer(t, p.member, id, 'ACTIVE');
        const ports = (await serverPorts(id)).map((x) => x['id'] as string);
        states.set(s['status'] as string, [...(states.get(s['status'] as string) ?? []), ...ports]);
        if (s['status'] === 'ERROR') {
          expect(ports).toEqual([]);
          expect((s['fault'] as { message: string }).message).toBe(
            `No more IP addresses available on network ${small}.`,
          );
        } else expect(ports).toHaveLength(1);
      }
      expect(states.get('ACTIVE')).toHaveLength(2);
      expect(states.has('ERROR')).toBe(true);
      for (const { id } of listed) await nova()('DELETE', `/servers/${id}`, p.member);
    });

    it('enforces the port quota as Nova: 403 when not even min_count fits', async () => {
      const q = await neutron().call('PUT', `/quotas/${p.projectId}`, p.admin, { quota: { port: 1 } });
      expect(q.statusCode, q.body).toBe(200);
      const used = (await neutron().call('GET', `/ports?project_id=${p.projectId}`, p.admin)).json().ports
        .length as number;
      expect(used).toBeGreaterThanOrEqual(1);
      expectFault(await boot('q1', [{ uuid: net }]), 403, 'Maximum number of ports exceeded');
      await neutron().call('PUT', `/quotas/${p.projectId}`, p.admin, { quota: { port: 500 } });
    });
  });
}
