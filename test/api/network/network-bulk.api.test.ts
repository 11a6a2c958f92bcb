import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: network bulk create`, () => {
    let t: TestCloud;
    let alice: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      const admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
    });
    afterAll(async () => t?.close());

    const count = async (path: string, query: string, key = path) =>
      ((await api.call('GET', `/${path}?${query}`, alice.token)).json()[key] as Json[]).length;

    it('creates networks in bulk in the order asked, or none when one is refused', async () => {
      const made = await api.call('POST', '/networks', alice.token, {
        networks: [{ name: 'bulk-a' }, { network: { name: 'bulk-b', admin_state_up: false } }],
      });
      expect(made.statusCode, made.body).toBe(201);
      const nets = made.json().networks as Json[];
      expect(Object.keys(made.json())).toEqual(['networks']);
      expect(nets.map((n) => [n['name'], n['admin_state_up']])).toEqual([
        ['bulk-a', true],
        ['bulk-b', false],
      ]);
      // The second item is bad: nothing is written, and its 400 is answered.
      const bad = await api.call('POST', '/networks', alice.token, {
        networks: [{ name: 'bulk-c' }, { name: 'bulk-d', segment_id: null }],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().NeutronError).toEqual({
        type: 'HTTPBadRequest',
        message: "Unrecognized attribute(s) 'segment_id'",
        detail: '',
      });
      expect(await count('networks', 'name=bulk-c')).toBe(0);
      const empty = await api.call('POST', '/networks', alice.token, { networks: [] });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().NeutronError.message).toBe('Resources required');
    });

    it('creates subnets in bulk; an overlap inside the bulk rolls all of it back', async () => {
      const net = await api.create(alice.token, 'network', { name: 'bulk-subnets' });
      const both = await api.call('POST', '/subnets', alice.token, {
        subnets: [
          { network_id: net['id'], ip_version: 4, cidr: '10.70.0.0/24', name: 's1' },
          { network_id: net['id'], ip_version: 6, cidr: 'fd00:70::/64', name: 's2' },
        ],
      });
      expect(both.statusCode, both.body).toBe(201);
      expect((both.json().subnets as Json[]).map((s) => s['cidr'])).toEqual(['10.70.0.0/24', 'fd00:70::/64']);
      const overlap = await api.call('POST', '/subnets', alice.token, {
        subnets: [
          { network_id: net['id'], ip_version: 4, cidr: '10.70.1.0/24', name: 's3' },
          { network_id: net['id'], ip_version: 4, cidr: '10.70.1.128/25', name: 's4' },
        ],
      });
      expect(overlap.statusCode).toBe(400);
      expect(overlap.json().NeutronError.type).toBe('InvalidInput');
      expect(await count('subnets', `network_id=${String(net['id'])}`)).toBe(2);
    });

    it('creates ports in bulk with distinct addresses; a taken address refuses them all', async () => {
      const net = await api.create(alice.token, 'network', { name: 'bulk-ports' });
      const subnet = await api.create(alice.token, 'subnet', {
        network_id: net['id'],
        ip_version: 4,
        cidr: '10.71.0.0/24',
      });
      const made = await api.call('POST', '/ports', alice.token, {
        ports: Array.from({ length: 5 }, (_, i) => ({ network_id: net['id'], name: `p${i}` })),
      });
      expect(made.statusCode, made.body).toBe(201);
      const ports = made.json().ports as Array<{ name: string; fixed_ips: Array<{ ip_address: string }> }>;
      expect(ports.map((p) => p.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      expect(new Set(ports.map((p) => p.fixed_ips[0]!.ip_address)).size).toBe(5);
      const clash = await api.call('POST', '/ports', alice.token, {
        ports: [
          { network_id: net['id'], name: 'q0', fixed_ips: [{ ip_address: '10.71.0.200' }] },
          { network_id: net['id'], name: 'q1', fixed_ips: [{ ip_address: '10.71.0.200' }] },
        ],
      });
      expect(clash.statusCode).toBe(409);
      expect(clash.json().NeutronError).toEqual({
        type: 'IpAddressAlreadyAllocated',
        message: `IP address 10.71.0.200 already allocated in subnet ${String(subnet['id'])}`,
        detail: '',
      });
      expect(await count('ports', `network_id=${String(net['id'])}`)).toBe(5);
    });

    it('gives concurrent bulk creates distinct addresses and refuses a bulk the pool cannot hold', async () => {
      const net = await api.create(alice.token, 'network', { name: 'bulk-race' });
      // 10.72.0.0/27 holds 29 addresses.
      await api.create(alice.token, 'subnet', { network_id: net['id'], ip_version: 4, cidr: '10.72.0.0/27' });
      const bulk = (n: number) =>
        api.call('POST', '/ports', alice.token, {
          ports: Array.from({ length: n }, () => ({ network_id: net['id'] })),
        });
      const results = await Promise.all([bulk(6), bulk(6), bulk(6), bulk(6)]);
      expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
      const ips = results.flatMap((r) =>
        (r.json().ports as Array<{ fixed_ips: Array<{ ip_address: string }> }>).map(
          (p) => p.fixed_ips[0]!.ip_address,
        ),
      );
      expect(new Set(ips).size).toBe(24);
      const tooMany = await bulk(6);
      expect(tooMany.statusCode).toBe(409);
      expect(tooMany.json().NeutronError.type).toBe('IpAddressGenerationFailure');
      expect(await count('ports', `network_id=${String(net['id'])}`)).toBe(24);
    });

    it('creates security groups in bulk in the order asked; over quota, none of them', async () => {
      const made = await api.call('POST', '/security-groups', alice.token, {
        security_groups: [{ name: 'bulk-g1' }, { security_group: { name: 'bulk-g2', description: 'two' } }],
      });
      expect(made.statusCode, made.body).toBe(201);
      expect(Object.keys(made.json())).toEqual(['security_groups']);
      const groups = made.json().security_groups as Json[];
      expect(groups.map((g) => [g['name'], g['description']])).toEqual([
        ['bulk-g1', ''],
        ['bulk-g2', 'two'],
      ]);
      // Each with the two egress rules of a new group.
      for (const g of groups) expect(g['security_group_rules']).toHaveLength(2);

      // The third group passes the quota (default group + 2): the whole bulk is rolled back.
      const admin = await t.adminToken();
      const quoted = await projectUser(t, admin, 'bulk-quota');
      await api.call('PUT', `/quotas/${quoted.projectId}`, admin, { quota: { security_group: 3 } });
      const over = await api.call('POST', '/security-groups', quoted.token, {
        security_groups: [{ name: 'bulk-q1' }, { name: 'bulk-q2' }, { name: 'bulk-q3' }],
      });
      expect(over.statusCode).toBe(409);
      expect(over.json().NeutronError.type).toBe('OverQuota');
      const left = (await api.call('GET', '/security-groups', quoted.token)).json().security_groups as Json[];
      expect(left.map((g) => g['name'])).toEqual(['default']);
    });

    it('creates address scopes and subnet pools in bulk; a prefix clash in the scope refuses them all', async () => {
      const scopes = await api.call('POST', '/address-scopes', alice.token, {
        address_scopes: [
          { name: 'bulk-s4', ip_version: 4 },
          { address_scope: { name: 'bulk-s6', ip_version: 6 } },
        ],
      });
      expect(scopes.statusCode, scopes.body).toBe(201);
      const made = scopes.json().address_scopes as Json[];
      expect(made.map((a) => [a['name'], a['ip_version']])).toEqual([
        ['bulk-s4', 4],
        ['bulk-s6', 6],
      ]);
      const scope = made[0]!['id'];
      const pool = (name: string, prefix: string) => ({ name, prefixes: [prefix], address_scope_id: scope });
      const pools = await api.call('POST', '/subnetpools', alice.token, {
        subnetpools: [pool('bulk-p1', '10.70.0.0/16'), pool('bulk-p2', '10.71.0.0/16')],
      });
      expect(pools.statusCode, pools.body).toBe(201);
      expect((pools.json().subnetpools as Json[]).map((p) => p['name'])).toEqual(['bulk-p1', 'bulk-p2']);
      // The second pool overlaps the first inside one scope: the first is not kept either.
      const clash = await api.call('POST', '/subnetpools', alice.token, {
        subnetpools: [pool('bulk-p3', '10.72.0.0/16'), pool('bulk-p4', '10.72.0.0/24')],
      });
      expect(clash.statusCode).toBe(409);
      expect(await count('subnetpools', 'name=bulk-p3')).toBe(0);
    });

    it('creates security group rules in bulk; a duplicate inside the bulk refuses them all', async () => {
      const sg = await api.call('POST', '/security-groups', alice.token, {
        security_group: { name: 'bulk-sg' },
      });
      const groupId = String(sg.json().security_group.id);
      const rule = (port: number) => ({
        security_group_id: groupId,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: port,
        port_range_max: port,
      });
      const made = await api.call('POST', '/security-group-rules', alice.token, {
        security_group_rules: [rule(22), rule(80)],
      });
      expect(made.statusCode, made.body).toBe(201);
      expect((made.json().security_group_rules as Json[]).map((r) => r['port_range_min'])).toEqual([22, 80]);
      const dup = await api.call('POST', '/security-group-rules', alice.token, {
        security_group_rules: [rule(443), rule(443)],
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().NeutronError.type).toBe('SecurityGroupRuleExists');
      expect(
        await count(
          'security-group-rules',
          `security_group_id=${groupId}&port_range_min=443`,
          'security_group_rules',
        ),
      ).toBe(0);
    });

    it('creates address groups in bulk in the order asked; a bad address in one refuses them all', async () => {
      const made = await api.call('POST', '/address-groups', alice.token, {
        address_groups: [
          { name: 'bulk-ag1', addresses: ['10.80.0.1/32'] },
          { address_group: { name: 'bulk-ag2', addresses: ['10.80.1.0/24', '2001:db8::1/128'] } },
        ],
      });
      expect(made.statusCode, made.body).toBe(201);
      expect(Object.keys(made.json())).toEqual(['address_groups']);
      expect((made.json().address_groups as Json[]).map((g) => [g['name'], g['addresses']])).toEqual([
        ['bulk-ag1', ['10.80.0.1/32']],
        ['bulk-ag2', ['10.80.1.0/24', '2001:db8::1/128']],
      ]);
      const bad = await api.call('POST', '/address-groups', alice.token, {
        address_groups: [{ name: 'bulk-ag3' }, { name: 'bulk-ag4', addresses: ['not-an-address'] }],
      });
      expect(bad.statusCode).toBe(400);
      expect(await count('address-groups', 'name=bulk-ag3', 'address_groups')).toBe(0);
    });
  });
}
