import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from '../network/network-fixtures.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectFault } from './compute-api-fixtures.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: security groups on servers (through the network service)`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let image: string;
    let net: string;
    let insecure: string;
    let web: Json;
    let db: Json;
    let def: Json;
    const nova = () => computeCaller(t);
    const neutron = () => networkClient(t);
    const group = async (token: string, name: string) => {
      const res = await neutron().call('POST', '/security-groups', token, { security_group: { name } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().security_group as Json;
    };
    const portGroups = async (server: string) =>
      ((await neutron().call('GET', `/ports?device_id=${server}`, p.admin)).json().ports as Json[]).map(
        (pt) => [...(pt['security_groups'] as string[])].sort(),
      );
    const boot = async (name: string, extra: Json = {}) => {
      // 2.37 for `networks: none`.
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.37' },
        payload: { server: { name, imageRef: image, flavorRef: flavor, ...extra } },
      });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().server.id as string;
      await waitForServer(t, p.member, id, 'ACTIVE');
      return id;
    };
    const show = async (id: string) =>
      (await nova()('GET', `/servers/${id}`, p.member)).json().server as Json;
    const action = (id: string, body: unknown, token = p.member) =>
      nova()('POST', `/servers/${id}/action`, token, body as object);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, { name: 'sg', vcpus: 1, ram: 64, disk: 1 });
      image = await createImage(t, p.admin, 'sg-img');
      net = (await neutron().create(p.member, 'network', { name: 'private' }))['id'] as string;
      await neutron().create(p.member, 'subnet', { network_id: net, cidr: '10.1.0.0/24', ip_version: 4 });
      insecure = (
        await neutron().create(p.member, 'network', { name: 'open', port_security_enabled: false })
      )['id'] as string;
      await neutron().create(p.member, 'subnet', {
        network_id: insecure,
        cidr: '10.2.0.0/24',
        ip_version: 4,
      });
      web = await group(p.member, 'web');
      db = await group(p.member, 'db');
      const rule = await neutron().call('POST', '/security-group-rules', p.member, {
        security_group_rule: {
          security_group_id: web['id'],
          direction: 'ingress',
          protocol: 'tcp',
          port_range_min: 80,
          port_range_max: 80,
          remote_ip_prefix: '192.0.2.0/24',
        },
      });
      expect(rule.statusCode, rule.body).toBe(201);
      const fromDb = await neutron().call('POST', '/security-group-rules', p.member, {
        security_group_rule: {
          security_group_id: web['id'],
          direction: 'ingress',
          protocol: 'icmp',
          remote_group_id: db['id'],
        },
      });
      expect(fromDb.statusCode, fromDb.body).toBe(201);
      def = (await neutron().call('GET', '/security-groups?name=default', p.member)).json()
        .security_groups[0] as Json;
    });
    afterAll(async () => t?.close());

    it('shows the groups of the server ports, one per port and group; none without ports', async () => {
      const id = await boot('two-ports', { networks: [{ uuid: net }, { uuid: net }] });
      expect(await show(id)).toMatchObject({
        security_groups: [{ name: 'default' }, { name: 'default' }],
      });
      const portless = await boot('portless', { networks: 'none' });
      expect(await show(portless)).not.toHaveProperty('security_groups');
      const detail = (await nova()('GET', '/servers/detail', p.member)).json().servers as Json[];
      expect(detail.find((s) => s['id'] === id)?.['security_groups']).toEqual([
        { name: 'default' },
        { name: 'default' },
      ]);
      expect(detail.find((s) => s['id'] === portless)).not.toHaveProperty('security_groups');
      expect((await nova()('GET', `/servers/${portless}/os-security-groups`, p.member)).json()).toEqual({
        security_groups: [],
      });
    });

    it('boots with the named groups (by name or id, default included) on the ports it creates', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: p.member,
        payload: {
          server: {
            name: 'named',
            imageRef: image,
            flavorRef: flavor,
            networks: [{ uuid: net }],
            security_groups: [{ name: 'web' }, { name: db['id'] }, { name: 'web' }],
          },
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      // The response echoes the request, as Nova's (the ports are not made yet).
      expect(res.json().server.security_groups).toEqual([
        { name: 'web' },
        { name: db['id'] },
        { name: 'web' },
      ]);
      const id = res.json().server.id as string;
      await waitForServer(t, p.member, id, 'ACTIVE');
      expect(await portGroups(id)).toEqual([[web['id'], db['id']].sort()]);
      expect(((await show(id))['security_groups'] as Json[]).map((g) => g['name']).sort()).toEqual([
        'db',
        'web',
      ]);

      const withDefault = await boot('with-default', {
        networks: [{ uuid: net }],
        security_groups: [{ name: 'default' }, { name: 'db' }],
      });
      expect(await portGroups(withDefault)).toEqual([[def['id'], db['id']].sort()]);
    });

    it('refuses unknown or foreign groups at boot and creates nothing', async () => {
      const foreign = await group(p.other, 'theirs');
      const before = (await nova()('GET', '/servers', p.member)).json().servers.length as number;
      const ports = (await neutron().call('GET', '/ports', p.admin)).json().ports.length as number;
      for (const name of ['nope', foreign['id'] as string])
        expectFault(
          await nova()('POST', '/servers', p.member, {
            server: {
              name: 'bad',
              imageRef: image,
              flavorRef: flavor,
              networks: [{ uuid: net }],
              security_groups: [{ name }],
            },
          }),
          400,
          `Unable to find security_group with name or id '${name}'`,
        );
      expect((await nova()('GET', '/servers', p.member)).json().servers).toHaveLength(before);
      expect((await neutron().call('GET', '/ports', p.admin)).json().ports).toHaveLength(ports);
    });

    it('adds and removes a group on every port, and lists them in Nova format', async () => {
      const id = await boot('acts', { networks: [{ uuid: net }, { uuid: net }] });
      const add = await action(id, { addSecurityGroup: { name: 'web' } });
      expect(add.statusCode, add.body).toBe(202);
      expect(add.body).toBe('');
      expect(await portGroups(id)).toEqual([[def['id'], web['id']].sort(), [def['id'], web['id']].sort()]);
      // Already there: Neutron keeps it once, Nova answers 202.
      expect((await action(id, { addSecurityGroup: { name: web['id'] } })).statusCode).toBe(202);
      expect((await portGroups(id))[0]).toHaveLength(2);

      const listed = (await nova()('GET', `/servers/${id}/os-security-groups`, p.member)).json()
        .security_groups as Json[];
      expect(listed.map((g) => g['name'])).toEqual(['default', 'default', 'web', 'web']);
      const w = listed.find((g) => g['name'] === 'web')!;
      expect(Object.keys(w).sort()).toEqual(['description', 'id', 'name', 'rules', 'tenant_id']);
      expect(w).toMatchObject({ id: web['id'], tenant_id: p.projectId, description: '' });
      expect(w['rules']).toEqual(
        expect.arrayContaining([
          {
            id: expect.any(String),
            parent_group_id: web['id'],
            ip_protocol: 'tcp',
            from_port: 80,
            to_port: 80,
            group: {},
            ip_range: { cidr: '192.0.2.0/24' },
          },
          {
            id: expect.any(String),
            parent_group_id: web['id'],
            ip_protocol: 'icmp',
            from_port: -1,
            to_port: -1,
            group: { name: 'db', tenant_id: p.projectId },
            ip_range: {},
          },
        ]),
      );
      // The default group's ingress rules: any protocol from the group itself, no ports.
      const d = listed.find((g) => g['name'] === 'default')!;
      expect(d['rules']).toEqual([
        expect.objectContaining({ ip_protocol: null, from_port: null, to_port: null, ip_range: {} }),
        expect.objectContaining({ ip_protocol: null, from_port: null, to_port: null, ip_range: {} }),
      ]);
      for (const r of d['rules'] as Json[])
        expect(r['group']).toEqual({ name: 'default', tenant_id: p.projectId });
      // Egress rules are not Nova's: only the two ingress rules.
      expect(w['rules']).toHaveLength(2);

      const rm = await action(id, { removeSecurityGroup: { name: 'web' } });
      expect(rm.statusCode, rm.body).toBe(202);
      expect(await portGroups(id)).toEqual([[def['id']], [def['id']]]);
      expectFault(
        await action(id, { removeSecurityGroup: { name: 'web' } }),
        404,
        `Security group web not associated with the instance ${id}`,
      );
      expect(await portGroups(id)).toEqual([[def['id']], [def['id']]]);
    });

    it('finds groups through the os-security-groups proxy up to 2.35, as clients do', async () => {
      const list = (await nova()('GET', '/os-security-groups', p.member)).json().security_groups as Json[];
      expect(list.map((g) => g['name'])).toEqual(['db', 'default', 'web']);
      const shown = await nova()('GET', `/os-security-groups/${web['id'] as string}`, p.member);
      expect(shown.statusCode, shown.body).toBe(200);
      expect(shown.json().security_group).toEqual(list.find((g) => g['name'] === 'web'));
      expectFault(
        await nova()('GET', '/os-security-groups/web', p.member),
        400,
        'Security group id should be uuid',
      );
      const foreign = (await neutron().call('GET', '/security-groups?name=theirs', p.other)).json()
        .security_groups[0] as Json;
      expectFault(
        await nova()('GET', `/os-security-groups/${foreign['id'] as string}`, p.member),
        404,
        `Security group ${foreign['id'] as string} does not exist`,
      );
      const late = await t.request({
        method: 'GET',
        url: '/compute/v2.1/os-security-groups',
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.36' },
      });
      expect(late.statusCode).toBe(404);
    });

    it('shows a rule from an address group as Nova does: no group, the any-address range', async () => {
      // Nova converts rules knowing only remote_group_id and remote_ip_prefix; a missing
      // prefix reads 0.0.0.0/0 (security_group_api.parse_cidr), so the address group is lost.
      const ag = await neutron().call('POST', '/address-groups', p.member, {
        address_group: { name: 'office', addresses: ['203.0.113.0/24'] },
      });
      expect(ag.statusCode, ag.body).toBe(201);
      const sg = await group(p.member, 'from-office');
      const rule = await neutron().call('POST', '/security-group-rules', p.member, {
        security_group_rule: {
          security_group_id: sg['id'],
          direction: 'ingress',
          protocol: 'tcp',
          port_range_min: 22,
          port_range_max: 22,
          remote_address_group_id: ag.json().address_group.id,
        },
      });
      expect(rule.statusCode, rule.body).toBe(201);
      const shown = await nova()('GET', `/os-security-groups/${sg['id'] as string}`, p.member);
      expect(shown.statusCode, shown.body).toBe(200);
      expect(shown.json().security_group.rules).toEqual([
        {
          id: rule.json().security_group_rule.id,
          parent_group_id: sg['id'],
          ip_protocol: 'tcp',
          from_port: 22,
          to_port: 22,
          group: {},
          ip_range: { cidr: '0.0.0.0/0' },
        },
      ]);
    });

    it('refuses bad action input with Nova statuses and changes nothing', async () => {
      const id = await boot('refused', { networks: [{ uuid: net }] });
      const portless = await boot('refused-portless', { networks: 'none' });
      const unchanged = await portGroups(id);
      const cases: [unknown, number, string][] = [
        [{ addSecurityGroup: 'web' }, 400, 'Missing parameter dict'],
        [{ addSecurityGroup: null }, 400, 'Missing parameter dict'],
        [{ addSecurityGroup: {} }, 400, 'Security group not specified'],
        [{ removeSecurityGroup: { name: '  ' } }, 400, 'Security group name cannot be empty'],
        [
          { addSecurityGroup: { name: 'nope' } },
          404,
          `Security group nope is not found for project ${p.projectId}`,
        ],
        [
          { removeSecurityGroup: { name: 'nope' } },
          404,
          `Security group nope is not found for project ${p.projectId}`,
        ],
      ];
      for (const [body, status, message] of cases) expectFault(await action(id, body), status, message);
      expect(await portGroups(id)).toEqual(unchanged);
      expectFault(
        await action(portless, { addSecurityGroup: { name: 'web' } }),
        404,
        `instance_id ${portless} could not be found as device id on any ports`,
      );
      // A port without port security cannot take groups: refused before any port changes.
      const mixed = await boot('mixed', { networks: [{ uuid: net }, { uuid: insecure }] });
      const before = await portGroups(mixed);
      expectFault(
        await action(mixed, { addSecurityGroup: { name: 'web' } }),
        400,
        'Network requires port_security_enabled and subnet associated in order to apply security groups.',
      );
      expect(await portGroups(mixed)).toEqual(before);
      // The reader may list but not change.
      expect((await nova()('GET', `/servers/${id}/os-security-groups`, p.reader)).statusCode).toBe(200);
      expect((await action(id, { addSecurityGroup: { name: 'web' } }, p.reader)).statusCode).toBe(403);
      // Another project's server is not found.
      expect((await nova()('GET', `/servers/${id}/os-security-groups`, p.other)).statusCode).toBe(404);
      expect(await portGroups(id)).toEqual(unchanged);
    });
  });
}
