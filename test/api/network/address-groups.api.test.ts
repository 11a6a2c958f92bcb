import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { addressGroupResource } from '../../../src/network/address-groups/address-group-response-schemas.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;
const fault = (type: string, message: string) => ({ NeutronError: { type, message, detail: '' } });
type State = { addressGroups?: Record<string, string[]>; ports: Array<{ rules: Json[] }> };
const registration = (hostname: string) => ({
  hostname,
  driver: 'fake',
  availabilityZone: 'nova',
  facts: { vcpus: 4, memoryMb: 4096, diskGb: 40, traits: ['CUSTOM_STRATA_VM'], details: {} },
  reserved: { vcpus: 0, memoryMb: 0, diskGb: 0 },
});
const fields = ['addresses', 'description', 'id', 'name', 'project_id', 'tenant_id'];

for (const dialect of testDialects()) {
  describe(`${dialect}: address groups API`, () => {
    let t: TestCloud;
    let admin: string;
    let erin: ProjectUser;
    let frank: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    const create = async (token: string, body: Json) => {
      const res = await api.call('POST', '/address-groups', token, { address_group: body });
      if (res.statusCode !== 201) throw new Error(`address group create: ${res.statusCode} ${res.body}`);
      return res.json().address_group as Json;
    };
    const action = (token: string, id: unknown, name: string, addresses: unknown) =>
      api.call('PUT', `/address-groups/${String(id)}/${name}`, token, { addresses });
    const show = async (token: string, id: unknown) =>
      (await api.call('GET', `/address-groups/${String(id)}`, token)).json().address_group as Json;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      erin = await projectUser(t, admin, 'erin');
      frank = await projectUser(t, admin, 'frank');
    });
    afterAll(async () => t?.close());

    it('is advertised with the remote address group field of rules', async () => {
      const aliases = ((await api.call('GET', '/extensions', erin.token)).json().extensions as Json[]).map(
        (e) => e['alias'],
      );
      expect(aliases).toEqual(
        expect.arrayContaining(['address-group', 'security-groups-remote-address-group']),
      );
    });

    it("creates a group with Neutron's fields, addresses normalised and deduplicated", async () => {
      const g = await create(erin.token, {
        name: 'web',
        description: 'front ends',
        addresses: ['10.0.0.5/24', '10.0.0.0/24', '2001:db8::1/64'],
      });
      expect(Object.keys(g).sort()).toEqual(fields);
      expect(g).toMatchObject({
        name: 'web',
        description: 'front ends',
        project_id: erin.projectId,
        tenant_id: erin.projectId,
        addresses: ['10.0.0.0/24', '2001:db8::/64'],
      });
      const shown = await show(erin.token, g['id']);
      expect([...Compile(addressGroupResource.full).Errors(shown)]).toEqual([]);
      expect(shown).toEqual(g);
      const bare = await create(erin.token, {});
      expect(bare).toMatchObject({ name: '', description: '', addresses: [] });
    });

    it('adds and removes addresses, all or nothing, with Neutron faults', async () => {
      const g = await create(erin.token, { name: 'adds', addresses: ['192.168.1.0/24'] });
      const added = await action(erin.token, g['id'], 'add_addresses', ['10.1.0.0/16', '10.2.0.9/32']);
      expect(added.statusCode).toBe(200);
      expect(added.json().address_group.addresses).toEqual(['10.1.0.0/16', '10.2.0.9/32', '192.168.1.0/24']);
      const again = await action(erin.token, g['id'], 'add_addresses', ['10.3.0.0/16', '10.1.0.0/16']);
      expect(again.statusCode).toBe(400);
      expect(again.json()).toEqual(
        fault(
          'AddressesAlreadyExist',
          `Addresses ['10.1.0.0/16'] already exist in the address group ${String(g['id'])}.`,
        ),
      );
      const missing = await action(erin.token, g['id'], 'remove_addresses', ['10.1.0.0/16', '172.16.0.0/12']);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual(
        fault(
          'AddressesNotFound',
          `Addresses ['172.16.0.0/12'] not found in the address group ${String(g['id'])}.`,
        ),
      );
      // Neither refused call changed anything.
      expect((await show(erin.token, g['id']))['addresses']).toEqual([
        '10.1.0.0/16',
        '10.2.0.9/32',
        '192.168.1.0/24',
      ]);
      // The actions read a bare address as its /32, as Neutron's netaddr does (a create needs the slash).
      const bare = await action(erin.token, g['id'], 'remove_addresses', ['10.200.200.200']);
      expect(bare.statusCode).toBe(404);
      expect(bare.json().NeutronError.type).toBe('AddressesNotFound');
      const removed = await action(erin.token, g['id'], 'remove_addresses', ['10.1.0.0/16']);
      expect(removed.json().address_group.addresses).toEqual(['10.2.0.9/32', '192.168.1.0/24']);
      const bareAdd = await action(erin.token, g['id'], 'add_addresses', ['10.7.7.7']);
      expect(bareAdd.json().address_group.addresses).toContain('10.7.7.7/32');
      await action(erin.token, g['id'], 'remove_addresses', ['10.7.7.7']);
      const bad = await action(erin.token, g['id'], 'add_addresses', ['not-an-address']);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().NeutronError.message).toBe(
        "Invalid input for addresses. Reason: 'not-an-address' is not a valid IP subnet.",
      );
    });

    it('updates name and description only, and refuses addresses in a plain update', async () => {
      const g = await create(erin.token, { name: 'old' });
      const res = await api.call('PUT', `/address-groups/${String(g['id'])}`, erin.token, {
        address_group: { name: 'new', description: 'd' },
      });
      expect(res.json().address_group).toMatchObject({ name: 'new', description: 'd' });
      const refused = await api.call('PUT', `/address-groups/${String(g['id'])}`, erin.token, {
        address_group: { addresses: ['10.0.0.0/8'] },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().NeutronError.message).toBe('Cannot update read-only attribute addresses');
    });

    it("hides a group from other projects (404) and lists each project's own", async () => {
      const g = await create(erin.token, { name: 'private-ag' });
      const id = String(g['id']);
      expect((await api.call('GET', `/address-groups/${id}`, frank.token)).json()).toEqual(
        fault('AddressGroupNotFound', `Address group ${id} could not be found.`),
      );
      expect((await action(frank.token, id, 'add_addresses', ['10.0.0.0/8'])).statusCode).toBe(404);
      expect((await api.call('DELETE', `/address-groups/${id}`, frank.token)).statusCode).toBe(404);
      const frankList = (await api.call('GET', '/address-groups', frank.token)).json()
        .address_groups as Json[];
      expect(frankList.map((x) => x['id'])).not.toContain(id);
      const named = (await api.call('GET', '/address-groups?name=private-ag', erin.token)).json();
      expect((named.address_groups as Json[]).map((x) => x['id'])).toEqual([id]);
      const adminSees = (await api.call('GET', `/address-groups?project_id=${erin.projectId}`, admin)).json();
      expect((adminSees.address_groups as Json[]).map((x) => x['id'])).toContain(id);
    });

    it('takes remote_address_group_id on rules, one remote only, and refuses deleting a group in use', async () => {
      const ag = await create(erin.token, { name: 'in-use', addresses: ['10.7.0.0/16'] });
      const sg = (
        await api.call('POST', '/security-groups', erin.token, { security_group: { name: 'ag-sg' } })
      ).json().security_group as Json;
      const rule = (body: Json) =>
        api.call('POST', '/security-group-rules', erin.token, {
          security_group_rule: { security_group_id: sg['id'], direction: 'ingress', ...body },
        });
      const made = await rule({
        protocol: 'tcp',
        port_range_min: 22,
        port_range_max: 22,
        remote_address_group_id: ag['id'],
      });
      expect(made.statusCode).toBe(201);
      expect(made.json().security_group_rule).toMatchObject({
        remote_address_group_id: ag['id'],
        remote_ip_prefix: null,
        remote_group_id: null,
      });
      const both = await rule({ remote_address_group_id: ag['id'], remote_ip_prefix: '10.0.0.0/8' });
      expect(both.statusCode).toBe(400);
      expect(both.json().NeutronError.message).toBe(
        'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.',
      );
      const unknown = '00000000-0000-0000-0000-0000000000aa';
      expect((await rule({ remote_address_group_id: unknown })).json()).toEqual(
        fault('AddressGroupNotFound', `Address group ${unknown} could not be found.`),
      );
      const franks = await create(frank.token, { name: 'not-erins' });
      expect((await rule({ remote_address_group_id: franks['id'] })).statusCode).toBe(404);
      const inUse = await api.call('DELETE', `/address-groups/${String(ag['id'])}`, erin.token);
      expect(inUse.statusCode).toBe(409);
      expect(inUse.json()).toEqual(
        fault(
          'AddressGroupInUse',
          `Address group ${String(ag['id'])} is in use on one or more security group rules.`,
        ),
      );
      const ruleId = String(made.json().security_group_rule.id);
      const filtered = await api.call(
        'GET',
        `/security-group-rules?remote_address_group_id=${String(ag['id'])}`,
        erin.token,
      );
      expect((filtered.json().security_group_rules as Json[]).map((r) => r['id'])).toEqual([ruleId]);
      expect((await api.call('DELETE', `/security-group-rules/${ruleId}`, erin.token)).statusCode).toBe(204);
      expect((await api.call('DELETE', `/address-groups/${String(ag['id'])}`, erin.token)).statusCode).toBe(
        204,
      );
      expect((await api.call('GET', `/address-groups/${String(ag['id'])}`, erin.token)).statusCode).toBe(404);
    });

    it("hands a host's agent the CIDRs of the address groups its ports' rules name", async () => {
      const ag = await create(admin, { name: 'host-ag', addresses: ['10.8.0.0/16', '2001:db8:8::/48'] });
      const sg = (
        await api.call('POST', '/security-groups', admin, { security_group: { name: 'host-sg' } })
      ).json().security_group as Json;
      await api.call('POST', '/security-group-rules', admin, {
        security_group_rule: {
          security_group_id: sg['id'],
          direction: 'ingress',
          remote_address_group_id: ag['id'],
        },
      });
      const net = await api.create(admin, 'network', { name: 'ag-net' });
      await api.create(admin, 'subnet', { network_id: net['id'], cidr: '10.19.0.0/24', ip_version: 4 });
      await api.create(admin, 'port', {
        network_id: net['id'],
        device_owner: 'compute:nova',
        device_id: 'ag-dev',
        'binding:host_id': 'ag-host',
        security_groups: [sg['id']],
      });
      const agent = (method: 'GET' | 'PUT', url: string, payload?: object) =>
        t.request({ method, url: `/compute/agent/v1${url}`, token: admin, ...(payload && { payload }) });
      expect((await agent('PUT', '/hosts/ag-host', registration('ag-host'))).statusCode).toBe(204);
      const view = async () => (await agent('GET', '/hosts/ag-host/network-state')).json().network as State;
      const state = await view();
      expect(state.addressGroups).toEqual({ [String(ag['id'])]: ['10.8.0.0/16', '2001:db8:8::/48'] });
      expect(state.ports[0]!.rules).toContainEqual(
        expect.objectContaining({ direction: 'ingress', remote_address_group_id: ag['id'] }),
      );
      await action(admin, ag['id'], 'add_addresses', ['10.9.9.0/24']);
      expect((await view()).addressGroups?.[String(ag['id'])]).toContain('10.9.9.0/24');
    });
  });
}
