import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: subnet pools and address scopes API`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let bob: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    const fault = (res: { statusCode: number; json: () => Json }, status: number) => {
      expect(res.statusCode).toBe(status);
      return (res.json() as { NeutronError: Json }).NeutronError;
    };
    const post = (token: string, kind: string, body: Json) =>
      api.call('POST', `/${kind}s`, token, { [kind.replace('-', '_')]: body });
    const pool = async (token: string, body: Json) => {
      const res = await post(token, 'subnetpool', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().subnetpool as Json;
    };
    const network = (token: string, name: string) => api.create(token, 'network', { name });

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
      bob = await projectUser(t, admin, 'bob');
    });
    afterAll(async () => t?.close());

    it('creates, shows, updates and deletes an address scope, field by field', async () => {
      const res = await post(alice.token, 'address-scope', { name: 'scope-a', ip_version: 4 });
      expect(res.statusCode).toBe(201);
      const scope = res.json().address_scope as Json;
      expect(scope).toEqual({
        id: scope.id,
        name: 'scope-a',
        tenant_id: alice.projectId,
        project_id: alice.projectId,
        shared: false,
        ip_version: 4,
      });
      const renamed = await api.call('PUT', `/address-scopes/${scope.id}`, alice.token, {
        address_scope: { name: 'scope-b' },
      });
      expect(renamed.json().address_scope.name).toBe('scope-b');
      const listed = (await api.call('GET', '/address-scopes', alice.token)).json().address_scopes;
      expect(listed.map((s: Json) => s.id)).toContain(scope.id);
      expect(fault(await api.call('GET', `/address-scopes/${scope.id}`, bob.token), 404)).toEqual({
        type: 'AddressScopeNotFound',
        message: `Address scope ${scope.id} could not be found.`,
        detail: '',
      });
      expect((await api.call('GET', '/address-scopes', bob.token)).json().address_scopes).toEqual([]);
      const shared = await post(alice.token, 'address-scope', { name: 's', ip_version: 4, shared: true });
      expect(fault(shared, 403).type).toBe('PolicyNotAuthorized');
      const badVersion = await post(alice.token, 'address-scope', { name: 's', ip_version: 5 });
      expect(fault(badVersion, 400).message).toBe(
        'Invalid input for ip_version. Reason: 5 is not in [4, 6].',
      );
      expect((await api.call('DELETE', `/address-scopes/${scope.id}`, bob.token)).statusCode).toBe(404);
      expect((await api.call('DELETE', `/address-scopes/${scope.id}`, alice.token)).statusCode).toBe(204);
      expect((await api.call('GET', `/address-scopes/${scope.id}`, alice.token)).statusCode).toBe(404);
    });

    it('shares an admin scope with everyone and refuses to unshare it', async () => {
      const res = await post(admin, 'address-scope', { name: 'global', ip_version: 6, shared: true });
      const scope = res.json().address_scope as Json;
      expect((await api.call('GET', `/address-scopes/${scope.id}`, bob.token)).json().address_scope).toEqual(
        scope,
      );
      const unshare = await api.call('PUT', `/address-scopes/${scope.id}`, admin, {
        address_scope: { shared: false },
      });
      expect(fault(unshare, 400)).toEqual({
        type: 'AddressScopeUpdateError',
        message: `Unable to update address scope ${scope.id} : Shared address scope can't be unshared.`,
        detail: '',
      });
    });

    it('creates a subnet pool as Neutron renders it, compacting prefixes and deriving ip_version', async () => {
      const p = await pool(alice.token, {
        name: 'p1',
        prefixes: ['10.10.1.0/24', '10.10.0.0/24'],
        default_prefixlen: 26,
      });
      expect(Object.keys(p).sort()).toEqual(
        [
          'id',
          'name',
          'tenant_id',
          'project_id',
          'prefixes',
          'default_quota',
          'ip_version',
          'default_prefixlen',
          'min_prefixlen',
          'max_prefixlen',
          'is_default',
          'shared',
          'address_scope_id',
          'description',
          'tags',
          'created_at',
          'updated_at',
          'revision_number',
        ].sort(),
      );
      expect(p).toMatchObject({
        name: 'p1',
        prefixes: ['10.10.0.0/23'],
        ip_version: 4,
        default_prefixlen: '26',
        min_prefixlen: '8',
        max_prefixlen: '32',
        default_quota: null,
        is_default: false,
        shared: false,
        address_scope_id: null,
        description: '',
        tags: [],
        revision_number: 1,
      });
      const v6 = await pool(alice.token, { name: 'p6', prefixes: ['2001:db8::/56'] });
      expect(v6).toMatchObject({ ip_version: 6, min_prefixlen: '64', default_prefixlen: '64' });
    });

    it('refuses bad pools with Neutron faults and creates nothing', async () => {
      const before = (await api.call('GET', '/subnetpools', alice.token)).json().subnetpools.length;
      const cases: Array<[Json, number, string, string]> = [
        [
          { name: 'x', prefixes: ['10.0.0.0/24', '2001:db8::/64'] },
          400,
          'PrefixVersionMismatch',
          'Cannot mix IPv4 and IPv6 prefixes in a subnet pool.',
        ],
        [{ name: 'x', prefixes: [] }, 400, 'EmptySubnetPoolPrefixList', 'Empty subnet pool prefix list.'],
        [
          { name: 'x', prefixes: ['10.0.0.0/16'], min_prefixlen: 24, default_prefixlen: 20 },
          400,
          'IllegalSubnetPoolPrefixBounds',
          'Illegal prefix bounds: default_prefixlen=20, min_prefixlen=24.',
        ],
        [
          { name: 'x', prefixes: ['10.0.0.0/16'], max_prefixlen: 33 },
          400,
          'IllegalSubnetPoolPrefixBounds',
          'Illegal prefix bounds: max_prefixlen=33, ip_version_max=32.',
        ],
        [
          { name: 'x', prefixes: ['10.0.0.0/16'], min_prefixlen: -1 },
          400,
          'HTTPBadRequest',
          "Invalid input for min_prefixlen. Reason: '-1' should be non-negative.",
        ],
        [
          { name: 'x', prefixes: ['10.0.0.1'] },
          400,
          'HTTPBadRequest',
          "Invalid input for prefixes. Reason: '10.0.0.1' isn't a recognized IP subnet cidr, '10.0.0.1/32' is recommended.",
        ],
        [
          { prefixes: ['10.0.0.0/16'] },
          400,
          'HTTPBadRequest',
          "Failed to parse request. Required attribute 'name' not specified",
        ],
      ];
      for (const [body, status, type, message] of cases)
        expect(fault(await post(alice.token, 'subnetpool', body), status)).toEqual({
          type,
          message,
          detail: '',
        });
      const shared = await post(alice.token, 'subnetpool', {
        name: 'x',
        prefixes: ['10.0.0.0/16'],
        shared: true,
      });
      expect(fault(shared, 403).type).toBe('PolicyNotAuthorized');
      expect((await api.call('GET', '/subnetpools', alice.token)).json().subnetpools).toHaveLength(before);
    });

    it("hides a project's pool from others (404) but shows an admin's shared pool to all", async () => {
      const mine = await pool(alice.token, { name: 'private-pool', prefixes: ['172.16.0.0/16'] });
      expect(fault(await api.call('GET', `/subnetpools/${mine.id}`, bob.token), 404)).toEqual({
        type: 'SubnetPoolNotFound',
        message: `Subnet pool ${mine.id} could not be found.`,
        detail: '',
      });
      const put = await api.call('PUT', `/subnetpools/${mine.id}`, bob.token, { subnetpool: { name: 'x' } });
      expect(put.statusCode).toBe(404);
      const bobNet = await network(bob.token, 'bob-net');
      const steal = await post(bob.token, 'subnet', {
        network_id: bobNet.id,
        ip_version: 4,
        subnetpool_id: mine.id,
      });
      expect(fault(steal, 404).type).toBe('SubnetPoolNotFound');
      const shared = await pool(admin, { name: 'shared-pool', prefixes: ['192.168.0.0/16'], shared: true });
      const seen = (await api.call('GET', '/subnetpools', bob.token)).json().subnetpools as Json[];
      expect(seen.map((p) => p.id)).toEqual([shared.id]);
      const sub = await api.create(bob.token, 'subnet', {
        network_id: bobNet.id,
        ip_version: 4,
        subnetpool_id: shared.id,
        prefixlen: 24,
      });
      expect(sub).toMatchObject({
        cidr: '192.168.0.0/24',
        subnetpool_id: shared.id,
        project_id: bob.projectId,
      });
      const upd = await api.call('PUT', `/subnetpools/${shared.id}`, bob.token, {
        subnetpool: { name: 'x' },
      });
      expect(upd.statusCode).toBe(403);
    });

    it('allocates subnets from a pool: next free prefix, explicit CIDR inside it, Neutron faults', async () => {
      const p = await pool(alice.token, {
        name: 'alloc',
        prefixes: ['10.20.0.0/22'],
        min_prefixlen: 24,
        max_prefixlen: 28,
        default_prefixlen: 24,
      });
      const net = await network(alice.token, 'alloc-net');
      const subnet = (body: Json) =>
        post(alice.token, 'subnet', { network_id: net.id, ip_version: 4, subnetpool_id: p.id, ...body });
      const first = (await subnet({})).json().subnet;
      expect(first).toMatchObject({
        cidr: '10.20.0.0/24',
        subnetpool_id: p.id,
        gateway_ip: '10.20.0.1',
        allocation_pools: [{ start: '10.20.0.2', end: '10.20.0.254' }],
      });
      const small = (await subnet({ prefixlen: 28 })).json().subnet;
      expect(small.cidr).toBe('10.20.1.0/28');
      const explicit = (await subnet({ cidr: '10.20.3.0/24' })).json().subnet;
      expect(explicit.cidr).toBe('10.20.3.0/24');
      const shown = (await api.call('GET', `/subnets/${explicit.id}`, alice.token)).json().subnet;
      expect(shown.subnetpool_id).toBe(p.id);

      expect(fault(await subnet({ cidr: '10.20.0.0/25' }), 409)).toEqual({
        type: 'SubnetAllocationError',
        message:
          'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
        detail: '',
      });
      expect(fault(await subnet({ cidr: '10.30.0.0/24' }), 409).type).toBe('SubnetAllocationError');
      expect(fault(await subnet({ prefixlen: 29 }), 400)).toEqual({
        type: 'MaxPrefixSubnetAllocationError',
        message: 'Unable to allocate subnet with prefix length 29, maximum allowed prefix is 28.',
        detail: '',
      });
      expect(fault(await subnet({ prefixlen: 23 }), 400).type).toBe('MinPrefixSubnetAllocationError');
      expect(fault(await subnet({ cidr: '10.20.2.0/24', prefixlen: 24 }), 400).message).toBe(
        'Bad subnets request: cidr and prefixlen must not be supplied together.',
      );
      expect(fault(await subnet({ ip_version: 6 }), 400).message).toBe(
        'Bad subnets request: Cannot allocate IPv6 subnet from IPv4 subnet pool.',
      );
      expect(
        fault(await subnet({ allocation_pools: [{ start: '10.20.2.5', end: '10.20.2.9' }] }), 400).message,
        // Neutron's reason ends in a full stop and BadRequest adds another.
      ).toBe('Bad subnets request: allocation_pools allowed only for specific subnet requests..');
      // What is left: 10.20.1.16/28 .. 10.20.1.255 and 10.20.2.0/24.
      expect((await subnet({})).json().subnet.cidr).toBe('10.20.2.0/24');
      expect(fault(await subnet({}), 409)).toEqual({
        type: 'SubnetAllocationError',
        message: 'Failed to allocate subnet: Insufficient prefix space to allocate subnet size /24.',
        detail: '',
      });
      const other = await api.create(alice.token, 'subnet', {
        network_id: (await network(alice.token, 'plain')).id,
        ip_version: 4,
        cidr: '10.99.0.0/24',
      });
      expect(other.subnetpool_id).toBeNull();
      const mixed = await post(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.98.0.0/24',
      });
      expect(fault(mixed, 400).type).toBe('NetworkSubnetPoolAffinityError');

      const del = await api.call('DELETE', `/subnetpools/${p.id}`, alice.token);
      expect(fault(del, 400)).toEqual({
        type: 'SubnetPoolDeleteError',
        message: 'Unable to delete subnet pool: Subnet pool has existing allocations.',
        detail: '',
      });
    });

    it('adds and removes prefixes, and refuses to shrink a pool under its subnets', async () => {
      const p = await pool(alice.token, { name: 'grow', prefixes: ['10.40.0.0/24'], default_prefixlen: 24 });
      const added = await api.call('PUT', `/subnetpools/${p.id}/add_prefixes`, alice.token, {
        prefixes: ['10.40.1.0/24', '10.50.0.0/24'],
      });
      expect(added.statusCode).toBe(200);
      expect(added.json()).toEqual({ prefixes: ['10.40.0.0/23', '10.50.0.0/24'] });
      const net = await network(alice.token, 'grow-net');
      const sub = await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        subnetpool_id: p.id,
        cidr: '10.40.0.0/24',
      });
      const inUse = await api.call('PUT', `/subnetpools/${p.id}/remove_prefixes`, alice.token, {
        prefixes: ['10.40.0.0/24'],
      });
      expect(fault(inUse, 400)).toEqual({
        type: 'IllegalSubnetPoolPrefixUpdate',
        message: 'Illegal update to prefixes: One or more the prefixes to be removed is in use by a subnet.',
        detail: '',
      });
      const removed = await api.call('PUT', `/subnetpools/${p.id}/remove_prefixes`, alice.token, {
        prefixes: ['10.40.1.0/24'],
      });
      expect(removed.json()).toEqual({ prefixes: ['10.40.0.0/24', '10.50.0.0/24'] });
      const shrink = await api.call('PUT', `/subnetpools/${p.id}`, alice.token, {
        subnetpool: { prefixes: ['10.50.0.0/24'] },
      });
      expect(fault(shrink, 400).message).toBe(
        'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.',
      );
      const empty = await api.call('PUT', `/subnetpools/${p.id}/add_prefixes`, alice.token, { prefixes: [] });
      expect(fault(empty, 400).message).toBe('Request body contains invalid data');
      const set = await api.call('PUT', `/subnetpools/${p.id}`, alice.token, {
        subnetpool: { name: 'grown', default_quota: 1024, max_prefixlen: 28 },
      });
      expect(set.json().subnetpool).toMatchObject({
        name: 'grown',
        default_quota: 1024,
        max_prefixlen: '28',
        revision_number: 4,
      });
      const bounds = await api.call('PUT', `/subnetpools/${p.id}`, alice.token, {
        subnetpool: { min_prefixlen: 30 },
      });
      expect(fault(bounds, 400).type).toBe('IllegalSubnetPoolPrefixBounds');
      expect((await api.call('DELETE', `/subnets/${sub.id}`, alice.token)).statusCode).toBe(204);
      expect((await api.call('DELETE', `/subnetpools/${p.id}`, alice.token)).statusCode).toBe(204);
    });

    it("enforces the pool's per-project default_quota", async () => {
      const p = await pool(admin, {
        name: 'quota',
        prefixes: ['10.60.0.0/16'],
        default_prefixlen: 24,
        default_quota: 512,
        shared: true,
      });
      const net = await network(bob.token, 'quota-net');
      const make = () =>
        post(bob.token, 'subnet', { network_id: net.id, ip_version: 4, subnetpool_id: p.id });
      expect((await make()).statusCode).toBe(201);
      expect((await make()).statusCode).toBe(201);
      expect(fault(await make(), 409)).toEqual({
        type: 'SubnetPoolQuotaExceeded',
        message: 'Per-tenant subnet pool prefix quota exceeded.',
        detail: '',
      });
    });

    it('keeps pools in one address scope from sharing prefixes', async () => {
      const scope = (await post(alice.token, 'address-scope', { name: 'as', ip_version: 4 })).json()
        .address_scope as Json;
      const a = await pool(alice.token, {
        name: 'a',
        prefixes: ['10.70.0.0/16'],
        address_scope_id: scope.id,
      });
      expect(a.address_scope_id).toBe(scope.id);
      const b = await post(alice.token, 'subnetpool', {
        name: 'b',
        prefixes: ['10.70.128.0/17'],
        address_scope_id: scope.id,
      });
      expect(fault(b, 409)).toEqual({
        type: 'AddressScopePrefixConflict',
        message:
          'Failed to associate address scope: subnetpools within an address scope must have unique prefixes.',
        detail: '',
      });
      const v6 = await post(alice.token, 'subnetpool', {
        name: 'c',
        prefixes: ['2001:db8:1::/48'],
        address_scope_id: scope.id,
      });
      expect(fault(v6, 400).type).toBe('IllegalSubnetPoolIpVersionAssociationToAddressScope');
      const net = await network(alice.token, 'scoped-net');
      expect(net).toMatchObject({ ipv4_address_scope: null, ipv6_address_scope: null });
      await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        subnetpool_id: a.id,
        prefixlen: 24,
      });
      const scoped = (await api.call('GET', `/networks/${net.id}`, alice.token)).json().network;
      expect(scoped).toMatchObject({ ipv4_address_scope: scope.id, ipv6_address_scope: null });
      const inUse = await api.call('DELETE', `/address-scopes/${scope.id}`, alice.token);
      expect(fault(inUse, 409).type).toBe('AddressScopeInUse');
      const unset = await api.call('PUT', `/subnetpools/${a.id}`, alice.token, {
        subnetpool: { address_scope_id: null },
      });
      expect(unset.json().subnetpool.address_scope_id).toBeNull();
      expect((await api.call('DELETE', `/address-scopes/${scope.id}`, alice.token)).statusCode).toBe(204);
    });

    it('uses the default pool on use_default_subnetpool; only admins mark one', async () => {
      const member = await post(alice.token, 'subnetpool', {
        name: 'd',
        prefixes: ['10.80.0.0/16'],
        is_default: true,
      });
      expect(fault(member, 403).type).toBe('PolicyNotAuthorized');
      const net = await network(bob.token, 'default-net');
      const none = await post(bob.token, 'subnet', {
        network_id: net.id,
        ip_version: 6,
        use_default_subnetpool: true,
      });
      expect(fault(none, 400).message).toBe('Bad subnets request: No default subnetpool found for IPv6.');
      const d = await pool(admin, {
        name: 'default-v4',
        prefixes: ['10.80.0.0/16'],
        default_prefixlen: 26,
        is_default: true,
        shared: true,
      });
      const second = await post(admin, 'subnetpool', {
        name: 'd2',
        prefixes: ['10.81.0.0/16'],
        is_default: true,
      });
      expect(fault(second, 400).message).toBe(
        'Invalid input for operation: A default subnetpool for this IP family has already been set. Only one default may exist per IP family.',
      );
      const sub = await api.create(bob.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        use_default_subnetpool: true,
      });
      expect(sub).toMatchObject({ cidr: '10.80.0.0/26', subnetpool_id: d.id });
      expect(sub).not.toHaveProperty('use_default_subnetpool');
      expect(sub).not.toHaveProperty('prefixlen');
    });

    it('gives parallel allocations from one pool distinct prefixes, and the rest a 409', async () => {
      const p = await pool(alice.token, { name: 'race', prefixes: ['10.90.0.0/24'], default_prefixlen: 28 });
      const nets = await Promise.all(Array.from({ length: 20 }, (_, i) => network(alice.token, `race-${i}`)));
      const results = await Promise.all(
        nets.map((n) =>
          post(alice.token, 'subnet', { network_id: n.id, ip_version: 4, subnetpool_id: p.id }),
        ),
      );
      const ok = results.filter((r) => r.statusCode === 201).map((r) => r.json().subnet.cidr as string);
      const refused = results.filter((r) => r.statusCode !== 201);
      expect(ok).toHaveLength(16);
      expect(new Set(ok).size).toBe(16);
      expect(refused.map((r) => r.statusCode)).toEqual([409, 409, 409, 409]);
      expect(refused.every((r) => r.json().NeutronError.type === 'SubnetAllocationError')).toBe(true);
    });
  });
}
