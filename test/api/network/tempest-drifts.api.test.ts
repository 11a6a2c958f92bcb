import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

/** Drifts from Neutron that tempest.api.network found (docs/conformance.md), each held to Neutron's answer. */
for (const dialect of testDialects()) {
  describe(`${dialect}: network API drifts found by tempest`, () => {
    let t: TestCloud;
    let admin: string;
    let api: ReturnType<typeof networkClient>;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
    });
    afterAll(async () => t?.close());

    it('deletes an external network with its unassociated floating IPs and their ports', async () => {
      const net = await api.create(admin, 'network', { name: 'ext', 'router:external': true });
      const subnet = await api.create(admin, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.81.0.0/28',
        enable_dhcp: false,
      });
      const fip = await api.create(admin, 'floatingip', { floating_network_id: net['id'] });
      const deleted = await api.call('DELETE', `/networks/${String(net['id'])}`, admin);
      expect(deleted.statusCode).toBe(204);
      const fips = (await api.call('GET', '/floatingips', admin)).json().floatingips as Json[];
      expect(fips.map((f) => f['id'])).not.toContain(fip['id']);
      const ports = await api.call('GET', `/ports?network_id=${String(net['id'])}`, admin);
      expect(ports.json().ports).toEqual([]);
      expect((await api.call('GET', `/subnets/${String(subnet['id'])}`, admin)).statusCode).toBe(404);
    });

    // openstacksdk's functional TestServer makes a subnet of 10.99.99.0/16.
    it('takes a cidr with host bits and keeps its network, as neutron-lib does', async () => {
      const net = await api.create(admin, 'network', { name: 'hostbits' });
      const subnet = await api.create(admin, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.99.99.0/16',
      });
      expect(subnet['cidr']).toBe('10.99.0.0/16');
      const pool = await api.call('POST', '/subnetpools', admin, {
        subnetpool: { name: 'hostbits', prefixes: ['10.200.3.1/16'] },
      });
      expect(pool.statusCode).toBe(201);
      expect(pool.json().subnetpool.prefixes).toEqual(['10.200.0.0/16']);
    });

    // neutron-tempest-plugin's test_filtering_shared_subnets: subnets show no `shared`, but
    // filter on their network's, as the caller sees it (the flag or a policy for it).
    it("filters subnets on their network's shared, for admins and members", async () => {
      const member = await projectUser(t, admin, 'subnet-sharing');
      const sharedNet = await api.create(admin, 'network', { name: 'sh', shared: true });
      const toMember = await api.create(admin, 'network', { name: 'to-member' });
      await api.call('POST', '/rbac-policies', admin, {
        rbac_policy: {
          object_type: 'network',
          object_id: toMember['id'],
          action: 'access_as_shared',
          target_tenant: member.projectId,
        },
      });
      const own = await api.create(member.token, 'network', { name: 'own' });
      const subnetOn = async (net: Json, cidr: string) =>
        (await api.create(admin, 'subnet', { network_id: net['id'], ip_version: 4, cidr }))['id'];
      const shared = await subnetOn(sharedNet, '10.51.0.0/24');
      const granted = await subnetOn(toMember, '10.52.0.0/24');
      const mine = (
        await api.create(member.token, 'subnet', {
          network_id: own['id'],
          ip_version: 4,
          cidr: '10.53.0.0/24',
        })
      )['id'];
      const ids = async (token: string, value: string) =>
        ((await api.call('GET', `/subnets?shared=${value}`, token)).json().subnets as Json[]).map(
          (s) => s['id'],
        );
      expect(await ids(member.token, 'True')).toEqual(expect.arrayContaining([shared, granted]));
      expect(await ids(member.token, 'True')).not.toContain(mine);
      expect(await ids(member.token, 'False')).toEqual([mine]);
      expect(await ids(admin, 'true')).toContain(shared);
      expect(await ids(admin, 'false')).toEqual(expect.arrayContaining([granted, mine]));
      expect(await ids(admin, 'false')).not.toContain(shared);
      const bad = await api.call('GET', '/subnets?shared=maybe', admin);
      expect(bad.statusCode).toBe(400);
    });

    // neutron-tempest-plugin's test_update_subnet_bumps_network_revision and
    // test_update_router_bumps_revision: a child coming or going bumps its parent.
    it("bumps a network's revision with its subnets and a router's with its interfaces", async () => {
      const revisionOf = async (path: string, key: string) =>
        (await api.call('GET', path, admin)).json()[key].revision_number as number;
      const net = await api.create(admin, 'network', { name: 'rev' });
      const netPath = `/networks/${String(net['id'])}`;
      const r0 = await revisionOf(netPath, 'network');
      const subnet = await api.create(admin, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.61.0.0/24',
      });
      const r1 = await revisionOf(netPath, 'network');
      expect(r1).toBeGreaterThan(r0);
      const router = await api.create(admin, 'router', { name: 'rev' });
      const routerPath = `/routers/${String(router['id'])}`;
      const before = await revisionOf(routerPath, 'router');
      const added = await api.call('PUT', `${routerPath}/add_router_interface`, admin, {
        subnet_id: subnet['id'],
      });
      expect(added.statusCode).toBe(200);
      const after = await revisionOf(routerPath, 'router');
      expect(after).toBeGreaterThan(before);
      const removed = await api.call('PUT', `${routerPath}/remove_router_interface`, admin, {
        subnet_id: subnet['id'],
      });
      expect(removed.statusCode).toBe(200);
      expect(await revisionOf(routerPath, 'router')).toBeGreaterThan(after);
      // A refused interface leaves the router as it was.
      const again = await revisionOf(routerPath, 'router');
      // (refused inside the write, after the bump: the rollback takes the bump back)
      const refused = await api.call('PUT', `${routerPath}/add_router_interface`, admin, {
        subnet_id: '00000000-0000-4000-8000-000000000000',
      });
      expect(refused.statusCode).toBe(404);
      expect(await revisionOf(routerPath, 'router')).toBe(again);
      expect((await api.call('DELETE', `/subnets/${String(subnet['id'])}`, admin)).statusCode).toBe(204);
      expect(await revisionOf(netPath, 'network')).toBeGreaterThan(r1);
    });

    // neutron-tempest-plugin's RbacSharedAddressGroupTest and SubnetPoolsNegativeTestJSON.
    it('hides a shared item from changes by others, and checks a body before the item', async () => {
      const other = await projectUser(t, admin, 'not-owner');
      const group = (
        await api.call('POST', '/address-groups', admin, { address_group: { name: 'ag', addresses: [] } })
      ).json().address_group as Json;
      await api.call('POST', '/rbac-policies', admin, {
        rbac_policy: {
          object_type: 'address_group',
          object_id: group['id'],
          action: 'access_as_shared',
          target_tenant: other.projectId,
        },
      });
      const path = `/address-groups/${String(group['id'])}`;
      expect((await api.call('GET', path, other.token)).statusCode).toBe(200);
      const renamed = await api.call('PUT', path, other.token, { address_group: { name: 'x' } });
      expect(renamed.statusCode).toBe(404);
      expect(renamed.json().NeutronError.type).toBe('AddressGroupNotFound');
      expect((await api.call('DELETE', path, other.token)).statusCode).toBe(404);
      expect((await api.call('GET', path, admin)).json().address_group.name).toBe('ag');
      const pool = (
        await api.call('POST', '/subnetpools', admin, {
          subnetpool: { name: 'p', prefixes: ['10.70.0.0/16'] },
        })
      ).json().subnetpool as Json;
      const shared = await api.call('PUT', `/subnetpools/${String(pool['id'])}`, other.token, {
        subnetpool: { shared: true },
      });
      expect(shared.statusCode).toBe(400);
      expect(shared.json().NeutronError.message).toBe('Cannot update read-only attribute shared');
    });

    // neutron-tempest-plugin's ExternalNetworksRBACTestJSON: a gateway port belongs to no
    // project, so the router's project is the one that keeps the external network in use.
    it("keeps an external network's policy while another project's router uses it", async () => {
      const b = await projectUser(t, admin, 'gateway-user');
      const net = await api.create(admin, 'network', { name: 'ext-rbac' });
      await api.create(admin, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.91.0.0/24',
        enable_dhcp: false,
      });
      const policy = async (target: string) =>
        (
          await api.call('POST', '/rbac-policies', admin, {
            rbac_policy: {
              object_type: 'network',
              object_id: net['id'],
              action: 'access_as_external',
              target_tenant: target,
            },
          })
        ).json().rbac_policy as Json;
      const wildcard = await policy('*');
      const router = await api.call('POST', '/routers', b.token, {
        router: { name: 'gw', external_gateway_info: { network_id: net['id'] } },
      });
      expect(router.statusCode).toBe(201);
      const del = (p: Json) => api.call('DELETE', `/rbac-policies/${String(p['id'])}`, admin);
      expect((await del(wildcard)).statusCode).toBe(409);
      const own = await policy(b.projectId);
      expect((await del(wildcard)).statusCode).toBe(204);
      expect((await del(own)).statusCode).toBe(409);
      // The wildcard back, then narrowed to the one project using it.
      const again = await policy('*');
      expect((await del(own)).statusCode).toBe(204);
      const narrowed = await api.call('PUT', `/rbac-policies/${String(again['id'])}`, admin, {
        rbac_policy: { target_tenant: b.projectId },
      });
      expect(narrowed.statusCode).toBe(200);
      const elsewhere = await api.call('PUT', `/rbac-policies/${String(again['id'])}`, admin, {
        rbac_policy: { target_tenant: 'another-project' },
      });
      expect(elsewhere.statusCode).toBe(409);
      // A default external network (auto-allocated topology's) stays everyone's.
      await api.call('PUT', `/networks/${String(net['id'])}`, admin, { network: { is_default: true } });
      const everyone = await policy('*');
      const refused = await del(everyone);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().NeutronError.message).toContain(
        'Default external networks must be shared to everyone.',
      );
    });

    it('takes a .json suffix on any path, as Neutron does, keeping the query string', async () => {
      const net = await api.create(admin, 'network', { name: 'dotjson' });
      const project = net['project_id'] as string;
      const details = await api.call('GET', `/quotas/${project}/details.json`, admin);
      expect(details.statusCode).toBe(200);
      expect(details.json()).toEqual((await api.call('GET', `/quotas/${project}/details`, admin)).json());
      expect(details.json().quota.network.used).toBeGreaterThan(0);
      const listed = await api.call('GET', '/networks.json?name=dotjson', admin);
      expect(listed.json().networks.map((n: Json) => n['id'])).toEqual([net['id']]);
      const missing = await api.call('GET', '/networks/00000000-0000-0000-0000-000000000000.json', admin);
      expect(missing.json().NeutronError.type).toBe('NetworkNotFound');
    });

    it('reads a body without Content-Type, or with another one, as JSON', async () => {
      const net = await api.create(admin, 'network', { name: 'untyped' });
      for (const [type, name] of [
        [undefined, 'no-type'],
        ['text/plain', 'text-plain'],
      ] as const) {
        const res = await t.request({
          method: 'PUT',
          url: `/network/v2.0/networks/${String(net['id'])}`,
          token: admin,
          headers: type === undefined ? {} : { 'content-type': type },
          payload: JSON.stringify({ network: { name } }),
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().network.name).toBe(name);
      }
      const bad = await t.request({
        method: 'PUT',
        url: `/network/v2.0/networks/${String(net['id'])}`,
        token: admin,
        payload: '{"network":',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().NeutronError.type).toBe('HTTPBadRequest');
    });

    it('links a full last page onward to an empty one, which links back without a marker', async () => {
      for (const name of ['pg-a', 'pg-b']) await api.create(admin, 'network', { name, description: 'pg' });
      const rels = (body: Json) => (body['networks_links'] as Json[]).map((l) => l['rel']);
      const first = (await api.call('GET', '/networks?description=pg&limit=2&sort_key=name', admin)).json();
      expect(first.networks.map((n: Json) => n['name'])).toEqual(['pg-a', 'pg-b']);
      expect(rels(first)).toEqual(['next', 'previous']);
      const next = new URL(first.networks_links[0].href as string);
      const empty = (await api.call('GET', `/networks${next.search}`, admin)).json();
      expect(empty.networks).toEqual([]);
      expect(rels(empty)).toEqual(['previous']);
      const back = new URL(empty.networks_links[0].href as string);
      expect(back.searchParams.get('marker')).toBeNull();
      const last = (await api.call('GET', `/networks${back.search}`, admin)).json();
      expect(last.networks.map((n: Json) => n['name'])).toEqual(['pg-a', 'pg-b']);
    });
  });
}
