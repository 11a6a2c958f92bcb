import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: network API`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let bob: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
      // The concurrency test below needs more than the default 500 ports.
      await api.call('PUT', `/quotas/${alice.projectId}`, admin, { quota: { port: -1 } });
      bob = await projectUser(t, admin, 'bob');
    });
    afterAll(async () => t?.close());

    it('serves the versions document without a token and the extensions it implements', async () => {
      const versions = await t.request({ method: 'GET', url: '/network/' });
      expect(versions.statusCode).toBe(200);
      expect(versions.json().versions[0]).toMatchObject({ id: 'v2.0', status: 'CURRENT' });
      const ext = (await api.call('GET', '/extensions', alice.token)).json().extensions;
      expect(ext.map((e: { alias: string }) => e.alias).sort()).toEqual([
        'address-group',
        'address-scope',
        'allowed-address-pairs',
        'auto-allocated-topology',
        'availability_zone',
        'binding',
        'default-subnetpools',
        'dns-integration',
        'ext-gw-mode',
        'external-net',
        'extra_dhcp_opt',
        'extraroute',
        'fip-port-details',
        'net-mtu',
        'network-ip-availability',
        'pagination',
        'port-security',
        'project-id',
        'provider',
        'quota_details',
        'quotas',
        'rbac-address-group',
        'rbac-address-scope',
        'rbac-policies',
        'rbac-security-groups',
        'rbac-subnetpool',
        'revision-if-match',
        'router',
        'security-group',
        'security-groups-normalized-cidr',
        'security-groups-remote-address-group',
        'security-groups-shared-filtering',
        'sorting',
        'standard-attr-description',
        'standard-attr-revisions',
        'standard-attr-tag',
        'standard-attr-timestamp',
        'stateful-security-group',
        'subnet-service-types',
        'subnet_allocation',
        'subnetpool-prefix-ops',
      ]);
      expect(ext.find((e: { alias: string }) => e.alias === 'binding')).toEqual({
        alias: 'binding',
        name: 'Port Binding',
        description: 'Expose port bindings of a virtual port to external application',
        updated: '2014-02-03T10:00:00-00:00',
        links: [],
      });
      const missing = await api.call('GET', '/extensions/qos', alice.token);
      expect(missing.statusCode).toBe(404);
      const anonymous = await t.request({ method: 'GET', url: '/network/v2.0/networks' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Keystone uri="http://localhost:80/identity"');
      const wrong = await api.call('POST', '/networks/00000000-0000-0000-0000-000000000001', alice.token, {});
      expect(wrong.statusCode).toBe(405);
      expect(wrong.headers['allow']).toBe('GET, HEAD, PUT, DELETE');
    });

    it('creates a VXLAN tenant network with MTU 1450 and hides provider attributes from members', async () => {
      const net = await api.create(alice.token, 'network', { name: 'net-a' });
      expect(net).toMatchObject({
        name: 'net-a',
        status: 'ACTIVE',
        mtu: 1450,
        shared: false,
        'router:external': false,
        admin_state_up: true,
        port_security_enabled: true,
        subnets: [],
        project_id: alice.projectId,
        tenant_id: alice.projectId,
        revision_number: 1,
      });
      expect(net).not.toHaveProperty('provider:network_type');
      const asAdmin = (await api.call('GET', `/networks/${net.id}`, admin)).json().network;
      expect(asAdmin['provider:network_type']).toBe('vxlan');
      expect(asAdmin['provider:segmentation_id']).toBeGreaterThan(0);
      expect(asAdmin['provider:physical_network']).toBe(null);
    });

    it("answers Neutron's faults: unknown attribute, policy, not found, bad boolean", async () => {
      const unknown = await api.call('POST', '/networks', alice.token, { network: { colour: 'red' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json()).toEqual({
        NeutronError: { type: 'HTTPBadRequest', message: "Unrecognized attribute(s) 'colour'", detail: '' },
      });
      const shared = await api.call('POST', '/networks', alice.token, { network: { shared: true } });
      expect(shared.statusCode).toBe(403);
      expect(shared.json().NeutronError).toEqual({
        type: 'PolicyNotAuthorized',
        message: '(rule:create_network and rule:create_network:shared) is disallowed by policy',
        detail: '',
      });
      const bad = await api.call('POST', '/networks', alice.token, { network: { admin_state_up: 'maybe' } });
      expect(bad.json().NeutronError).toEqual({
        type: 'InvalidInput',
        message: "Invalid input for operation: 'maybe' cannot be converted to boolean.",
        detail: '',
      });
      const id = '00000000-0000-0000-0000-000000000001';
      const nf = await api.call('GET', `/networks/${id}`, alice.token);
      expect(nf.statusCode).toBe(404);
      expect(nf.json().NeutronError).toEqual({
        type: 'NetworkNotFound',
        message: `Network ${id} could not be found.`,
        detail: '',
      });
    });

    it('keeps private networks to their project and shows shared ones to all', async () => {
      const priv = await api.create(alice.token, 'network', { name: 'private-a' });
      const shared = await api.create(admin, 'network', { name: 'shared-net', shared: true });
      expect((await api.call('GET', `/networks/${priv.id}`, bob.token)).statusCode).toBe(404);
      expect((await api.call('DELETE', `/networks/${priv.id}`, bob.token)).statusCode).toBe(404);
      expect((await api.call('GET', `/networks/${shared.id}`, bob.token)).statusCode).toBe(200);
      const names = (await api.call('GET', '/networks', bob.token))
        .json()
        .networks.map((n: { name: string }) => n.name);
      expect(names).toContain('shared-net');
      expect(names).not.toContain('private-a');
    });

    it('filters, picks fields, sorts and pages lists with links', async () => {
      for (const n of ['p1', 'p2', 'p3'])
        await api.create(bob.token, 'network', { name: n, description: 'page' });
      const filtered = (
        await api.call(
          'GET',
          '/networks?description=page&fields=name&fields=id&sort_key=name&sort_dir=desc',
          bob.token,
        )
      ).json();
      expect(filtered.networks.map((n: { name: string }) => n.name)).toEqual(['p3', 'p2', 'p1']);
      expect(Object.keys(filtered.networks[0]).sort()).toEqual(['id', 'name']);
      const page = (
        await api.call('GET', '/networks?description=page&limit=2&sort_key=name', bob.token)
      ).json();
      expect(page.networks.map((n: { name: string }) => n.name)).toEqual(['p1', 'p2']);
      expect(page.networks_links[0].rel).toBe('next');
      const next = new URL(page.networks_links[0].href);
      const rest = (await api.call('GET', `/networks${next.search}`, bob.token)).json();
      expect(rest.networks.map((n: { name: string }) => n.name)).toEqual(['p3']);
      expect(rest.networks_links.map((l: { rel: string }) => l.rel)).toEqual(['previous']);
    });

    it('validates subnets: default gateway and pools, overlaps, pools against the gateway', async () => {
      const net = await api.create(alice.token, 'network', { name: 'sub-net' });
      const subnet = await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.1.0.0/24',
      });
      expect(subnet).toMatchObject({
        cidr: '10.1.0.0/24',
        gateway_ip: '10.1.0.1',
        allocation_pools: [{ start: '10.1.0.2', end: '10.1.0.254' }],
        enable_dhcp: true,
        subnetpool_id: null,
        ipv6_ra_mode: null,
        dns_nameservers: [],
        host_routes: [],
        service_types: [],
      });
      const overlap = await api.call('POST', '/subnets', alice.token, {
        subnet: { network_id: net.id, ip_version: 4, cidr: '10.1.0.128/25' },
      });
      expect(overlap.statusCode).toBe(400);
      expect(overlap.json().NeutronError.message).toBe(
        `Invalid input for operation: Requested subnet with cidr: 10.1.0.128/25 for network: ${net.id} overlaps with another subnet.`,
      );
      const conflict = await api.call('POST', '/subnets', alice.token, {
        subnet: {
          network_id: net.id,
          ip_version: 4,
          cidr: '10.2.0.0/24',
          gateway_ip: '10.2.0.5',
          allocation_pools: [{ start: '10.2.0.2', end: '10.2.0.9' }],
        },
      });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json().NeutronError).toMatchObject({
        type: 'GatewayConflictWithAllocationPools',
        message: 'Gateway ip 10.2.0.5 conflicts with allocation pool 10.2.0.2-10.2.0.9.',
      });
      const outside = await api.call('POST', '/subnets', alice.token, {
        subnet: {
          network_id: net.id,
          ip_version: 4,
          cidr: '10.3.0.0/24',
          allocation_pools: [{ start: '10.3.0.2', end: '10.3.1.9' }],
        },
      });
      expect(outside.json().NeutronError).toMatchObject({
        type: 'OutOfBoundsAllocationPool',
        message: 'The allocation pool 10.3.0.2-10.3.1.9 spans beyond the subnet cidr 10.3.0.0/24.',
      });
      const v6 = await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 6,
        cidr: '2001:db8:1::/64',
        ipv6_ra_mode: 'slaac',
        ipv6_address_mode: 'slaac',
      });
      expect(v6.gateway_ip).toBe('2001:db8:1::1');
      const shown = (await api.call('GET', `/networks/${net.id}`, alice.token)).json().network;
      expect(shown.subnets).toEqual([subnet.id, v6.id]);
    });

    it('allocates addresses and MACs for ports, refuses taken ones, and guards deletes', async () => {
      const net = await api.create(alice.token, 'network', { name: 'port-net' });
      const subnet = await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.9.0.0/29',
      });
      const port = await api.create(alice.token, 'port', { network_id: net.id, name: 'p' });
      const groups = (await api.call('GET', '/security-groups?name=default', alice.token)).json();
      expect(port).toMatchObject({
        status: 'DOWN',
        device_owner: '',
        admin_state_up: true,
        security_groups: [groups.security_groups[0].id],
      });
      expect(port['mac_address']).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
      expect(port).not.toHaveProperty('binding:host_id');
      const [ip] = port['fixed_ips'] as Array<{ ip_address: string; subnet_id: string }>;
      expect(ip!.subnet_id).toBe(subnet.id);
      const taken = await api.call('POST', '/ports', alice.token, {
        port: { network_id: net.id, fixed_ips: [{ ip_address: ip!.ip_address }] },
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().NeutronError).toEqual({
        type: 'IpAddressAlreadyAllocated',
        message: `IP address ${ip!.ip_address} already allocated in subnet ${subnet.id}`,
        detail: '',
      });
      const outside = await api.call('POST', '/ports', alice.token, {
        port: { network_id: net.id, fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.9.0.7' }] },
      });
      expect(outside.json().NeutronError.type).toBe('InvalidIpForSubnet');
      // A /29 has 5 pool addresses (.2-.6): four more ports fit, then the network is full.
      for (let i = 0; i < 4; i++) await api.create(alice.token, 'port', { network_id: net.id });
      const full = await api.call('POST', '/ports', alice.token, { port: { network_id: net.id } });
      expect(full.statusCode).toBe(409);
      expect(full.json().NeutronError).toMatchObject({
        type: 'IpAddressGenerationFailure',
        message: `No more IP addresses available on network ${net.id}.`,
      });
      const byIp = (
        await api.call('GET', `/ports?fixed_ips=ip_address%3D${ip!.ip_address}`, alice.token)
      ).json();
      expect(byIp.ports.map((p: { id: string }) => p.id)).toEqual([port['id']]);
      const inUse = await api.call('DELETE', `/networks/${net.id}`, alice.token);
      expect(inUse.statusCode).toBe(409);
      expect(inUse.json().NeutronError.type).toBe('NetworkInUse');
      expect((await api.call('DELETE', `/subnets/${subnet.id}`, alice.token)).json().NeutronError.type).toBe(
        'SubnetInUse',
      );
      const all = (await api.call('GET', `/ports?network_id=${net.id}`, alice.token)).json().ports;
      for (const p of all)
        expect((await api.call('DELETE', `/ports/${p.id}`, alice.token)).statusCode).toBe(204);
      expect((await api.call('DELETE', `/networks/${net.id}`, alice.token)).statusCode).toBe(204);
      expect((await api.call('GET', `/subnets/${subnet.id}`, alice.token)).statusCode).toBe(404);
    });

    it('never hands out one address twice under concurrent creates', async () => {
      const net = await api.create(alice.token, 'network', { name: 'race' });
      await api.create(alice.token, 'subnet', { network_id: net.id, ip_version: 4, cidr: '10.20.0.0/24' });
      // The pool holds 253 addresses; of 300 parallel creates exactly 253 succeed, the rest get the 409.
      const results = await Promise.all(
        Array.from({ length: 300 }, () =>
          api.call('POST', '/ports', alice.token, { port: { network_id: net.id } }),
        ),
      );
      const ok = results.filter((r) => r.statusCode === 201);
      const ips = ok.map((r) => r.json().port.fixed_ips[0].ip_address);
      expect(ok.length).toBe(253);
      expect(new Set(ips).size).toBe(253);
      const refused = results.filter((r) => r.statusCode !== 201);
      expect(refused.every((r) => r.json().NeutronError.type === 'IpAddressGenerationFailure')).toBe(true);
      const macs = (
        await api.call('GET', `/ports?network_id=${net.id}&fields=mac_address`, alice.token)
      ).json().ports;
      expect(new Set(macs.map((p: { mac_address: string }) => p.mac_address)).size).toBe(253);
    });

    it('refuses overlapping subnets created at the same time', async () => {
      const net = await api.create(alice.token, 'network', { name: 'overlap-race' });
      const results = await Promise.all(
        ['10.30.0.0/24', '10.30.0.0/25', '10.30.0.128/25', '10.30.0.0/16'].map((cidr) =>
          api.call('POST', '/subnets', alice.token, { subnet: { network_id: net.id, ip_version: 4, cidr } }),
        ),
      );
      const created = results.filter((r) => r.statusCode === 201).map((r) => r.json().subnet.cidr as string);
      // Only sets of disjoint CIDRs can win: one of the /25s pairs with the other; anything else is alone.
      expect(created.length === 1 || (created.length === 2 && created.every((c) => c.endsWith('/25')))).toBe(
        true,
      );
    });
  });
}
