import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { effectiveRulesOfPort } from '../../../src/network/security-groups/security-group-store.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

const groupFields = [
  'created_at',
  'description',
  'id',
  'name',
  'project_id',
  'revision_number',
  'security_group_rules',
  'shared',
  'stateful',
  'tags',
  'tenant_id',
  'updated_at',
];
const ruleFields = [
  'created_at',
  'description',
  'direction',
  'ethertype',
  'id',
  'normalized_cidr',
  'port_range_max',
  'port_range_min',
  'project_id',
  'protocol',
  'remote_address_group_id',
  'remote_group_id',
  'remote_ip_prefix',
  'revision_number',
  'security_group_id',
  'tenant_id',
  'updated_at',
];

type Json = Record<string, unknown>;
const fault = (type: string, message: string) => ({ NeutronError: { type, message, detail: '' } });

for (const dialect of testDialects()) {
  describe(`${dialect}: security groups API`, () => {
    let t: TestCloud;
    let admin: string;
    let erin: ProjectUser;
    let frank: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    const group = async (token: string, body: Json) => {
      const res = await api.call('POST', '/security-groups', token, { security_group: body });
      if (res.statusCode !== 201) throw new Error(`group create: ${res.statusCode} ${res.body}`);
      return res.json().security_group as Json;
    };
    const rule = (token: string, body: Json) =>
      api.call('POST', '/security-group-rules', token, { security_group_rule: body });
    const defaultOf = async (token: string) =>
      (await api.call('GET', '/security-groups?name=default', token)).json().security_groups[0] as Json;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      erin = await projectUser(t, admin, 'erin');
      frank = await projectUser(t, admin, 'frank');
    });
    afterAll(async () => t?.close());

    it("makes one default group per project on first use, with Neutron's four rules", async () => {
      const lists = await Promise.all(
        Array.from({ length: 8 }, () => api.call('GET', '/security-groups', erin.token)),
      );
      for (const l of lists) expect(l.statusCode).toBe(200);
      const all = (await api.call('GET', `/security-groups?project_id=${erin.projectId}`, admin)).json();
      const defaults = (all.security_groups as Json[]).filter((g) => g['name'] === 'default');
      expect(defaults).toHaveLength(1);
      const sg = defaults[0]!;
      expect(Object.keys(sg).sort()).toEqual(groupFields);
      expect(sg).toMatchObject({
        description: 'Default security group',
        stateful: true,
        shared: false,
        project_id: erin.projectId,
        tags: [],
      });
      const rules = sg['security_group_rules'] as Json[];
      expect(Object.keys(rules[0]!).sort()).toEqual(ruleFields);
      const summary = rules
        .map((r) => `${r['direction']} ${r['ethertype']} ${r['remote_group_id'] ?? '-'}`)
        .sort();
      expect(summary).toEqual([
        `egress IPv4 -`,
        `egress IPv6 -`,
        `ingress IPv4 ${sg.id}`,
        `ingress IPv6 ${sg.id}`,
      ]);
      for (const r of rules)
        expect(r).toMatchObject({
          protocol: null,
          port_range_min: null,
          remote_ip_prefix: null,
          normalized_cidr: null,
        });
    });

    it('refuses to delete or rename the default group and to name another one default', async () => {
      const sg = await defaultOf(erin.token);
      expect((await api.call('DELETE', `/security-groups/${sg.id}`, erin.token)).json()).toEqual(
        fault('SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.'),
      );
      const rename = await api.call('PUT', `/security-groups/${sg.id}`, erin.token, {
        security_group: { name: 'other' },
      });
      expect(rename.statusCode).toBe(409);
      expect(rename.json()).toEqual(
        fault('SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.'),
      );
      const dup = await api.call('POST', '/security-groups', erin.token, {
        security_group: { name: 'Default' },
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toEqual(
        fault('SecurityGroupDefaultAlreadyExists', 'Default security group already exists.'),
      );
      const described = await api.call('PUT', `/security-groups/${sg.id}`, erin.token, {
        security_group: { description: 'ours' },
      });
      expect(described.json().security_group).toMatchObject({ description: 'ours', name: 'default' });
    });

    it('creates, shows, updates and deletes a group with two egress rules', async () => {
      const sg = await group(erin.token, { name: 'web', description: 'http', stateful: false });
      expect(Object.keys(sg).sort()).toEqual(groupFields);
      expect(sg).toMatchObject({ name: 'web', description: 'http', stateful: false, revision_number: 1 });
      expect(
        (sg['security_group_rules'] as Json[]).map((r) => `${r['direction']} ${r['ethertype']}`).sort(),
      ).toEqual(['egress IPv4', 'egress IPv6']);
      const upd = await api.call('PUT', `/security-groups/${sg.id}`, erin.token, {
        security_group: { name: 'www', stateful: 'true' },
      });
      expect(upd.json().security_group).toMatchObject({ name: 'www', stateful: true, revision_number: 2 });
      const ro = await api.call('PUT', `/security-groups/${sg.id}`, erin.token, {
        security_group: { security_group_rules: [] },
      });
      expect(ro.json()).toEqual(
        fault('HTTPBadRequest', 'Cannot update read-only attribute security_group_rules'),
      );
      expect((await api.call('DELETE', `/security-groups/${sg.id}`, erin.token)).statusCode).toBe(204);
      expect((await api.call('GET', `/security-groups/${sg.id}`, erin.token)).json()).toEqual(
        fault('SecurityGroupNotFound', `Security group ${sg.id} does not exist`),
      );
    });

    it('keeps groups and rules to their project; admins see all', async () => {
      const sg = await group(erin.token, { name: 'private' });
      const ruleId = ((sg['security_group_rules'] as Json[])[0] as Json)['id'];
      expect((await api.call('GET', `/security-groups/${sg.id}`, frank.token)).statusCode).toBe(404);
      expect((await api.call('DELETE', `/security-groups/${sg.id}`, frank.token)).statusCode).toBe(404);
      expect((await api.call('GET', `/security-group-rules/${ruleId}`, frank.token)).statusCode).toBe(404);
      const frankList = (await api.call('GET', '/security-groups', frank.token)).json()
        .security_groups as Json[];
      expect(frankList.map((g) => g['project_id'])).toEqual([frank.projectId]);
      const frankRules = (await api.call('GET', '/security-group-rules', frank.token)).json();
      expect(
        (frankRules.security_group_rules as Json[]).every((r) => r['project_id'] === frank.projectId),
      ).toBe(true);
      const steal = await rule(frank.token, { security_group_id: sg.id, direction: 'ingress' });
      expect(steal.json()).toEqual(fault('SecurityGroupNotFound', `Security group ${sg.id} does not exist`));
      expect((await api.call('GET', `/security-groups/${sg.id}`, admin)).statusCode).toBe(200);
      expect((await api.call('GET', `/security-group-rules/${ruleId}`, admin)).statusCode).toBe(200);
    });

    it('creates rules by protocol name or number with ports, ICMP type/code and remotes', async () => {
      const sg = await group(erin.token, { name: 'rules' });
      const ssh = await rule(erin.token, {
        security_group_id: sg.id,
        direction: 'ingress',
        protocol: 'TCP',
        port_range_min: 22,
        port_range_max: '22',
        remote_ip_prefix: '192.168.1.10/24',
      });
      expect(ssh.statusCode).toBe(201);
      const sshRule = ssh.json().security_group_rule as Json;
      expect(Object.keys(sshRule).sort()).toEqual(ruleFields);
      expect(sshRule).toMatchObject({
        ethertype: 'IPv4',
        protocol: 'tcp',
        port_range_min: 22,
        port_range_max: 22,
        remote_ip_prefix: '192.168.1.10/24',
        normalized_cidr: '192.168.1.0/24',
        description: '',
        revision_number: 0,
      });
      const icmp = await rule(erin.token, {
        security_group_id: sg.id,
        direction: 'ingress',
        protocol: 'icmp',
        port_range_min: 8,
        port_range_max: 0,
        remote_ip_prefix: '10.0.0.1',
      });
      expect(icmp.json().security_group_rule).toMatchObject({
        remote_ip_prefix: '10.0.0.1/32',
        port_range_min: 8,
      });
      const v6 = await rule(erin.token, {
        security_group_id: sg.id,
        direction: 'ingress',
        ethertype: 'ipv6',
        protocol: 'icmp',
      });
      expect(v6.json().security_group_rule).toMatchObject({ ethertype: 'IPv6', protocol: 'ipv6-icmp' });
      const num = await rule(erin.token, {
        security_group_id: sg.id,
        direction: 'egress',
        protocol: 132,
        port_range_min: 1,
        port_range_max: 65535,
      });
      expect(num.json().security_group_rule).toMatchObject({
        protocol: '132',
        port_range_min: null,
        port_range_max: null,
      });
      const remote = await rule(erin.token, {
        security_group_id: sg.id,
        direction: 'ingress',
        protocol: 'udp',
        port_range_min: 53,
        port_range_max: 53,
        remote_group_id: sg.id,
      });
      expect(remote.json().security_group_rule).toMatchObject({
        remote_group_id: sg.id,
        remote_ip_prefix: null,
      });
      const shown = (await api.call('GET', `/security-groups/${sg.id}`, erin.token)).json().security_group;
      expect(shown.revision_number).toBe(6);
      expect(shown.security_group_rules).toHaveLength(7);
      const filtered = await api.call(
        'GET',
        `/security-group-rules?security_group_id=${sg.id}&protocol=tcp`,
        erin.token,
      );
      expect(filtered.json().security_group_rules.map((r: Json) => r['id'])).toEqual([sshRule.id]);
      expect(
        (await api.call('DELETE', `/security-group-rules/${String(sshRule.id)}`, erin.token)).statusCode,
      ).toBe(204);
      const after = (await api.call('GET', `/security-groups/${sg.id}`, erin.token)).json().security_group;
      expect(after.revision_number).toBe(7);
      expect(
        (await api.call('GET', `/security-group-rules/${String(sshRule.id)}`, erin.token)).json(),
      ).toEqual(
        fault('SecurityGroupRuleNotFound', `Security group rule ${String(sshRule.id)} does not exist`),
      );
    });

    it("refuses bad rules with Neutron's faults and changes nothing", async () => {
      const sg = await group(erin.token, { name: 'bad-rules' });
      const base = { security_group_id: sg.id, direction: 'ingress' };
      const cases: Array<[Json, number, string, string]> = [
        [
          { protocol: 'tcp', port_range_min: 30, port_range_max: 20 },
          400,
          'SecurityGroupInvalidPortRange',
          'For TCP/UDP protocols, port_range_min must be <= port_range_max',
        ],
        [
          { protocol: 'tcp', port_range_min: 0, port_range_max: 20 },
          400,
          'SecurityGroupInvalidPortValue',
          'Invalid value for port 0',
        ],
        [
          { protocol: 'udp', port_range_min: 70000, port_range_max: 70000 },
          400,
          'SecurityGroupInvalidPortValue',
          'Invalid value for port 70000',
        ],
        [
          { port_range_min: 22, port_range_max: 22 },
          400,
          'SecurityGroupProtocolRequiredWithPorts',
          'Must also specify protocol if port range is given.',
        ],
        [
          { protocol: 'icmp', port_range_min: 256 },
          400,
          'SecurityGroupInvalidIcmpValue',
          'Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255.',
        ],
        [
          { protocol: 'icmp', port_range_max: 3 },
          400,
          'SecurityGroupMissingIcmpType',
          'ICMP code (port-range-max) 3 is provided but ICMP type (port-range-min) is missing.',
        ],
        [
          { protocol: 'gre', port_range_min: 1, port_range_max: 2 },
          400,
          'SecurityGroupInvalidProtocolForPort',
          'Ports cannot be specified for protocol 47. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.',
        ],
        [
          { protocol: 256 },
          400,
          'SecurityGroupRuleInvalidProtocol',
          expect.stringContaining('Security group rule protocol 256 not supported.'),
        ],
        [
          { protocol: 'bogus' },
          400,
          'SecurityGroupRuleInvalidProtocol',
          expect.stringContaining("Only protocol values [None, 'ah',"),
        ],
        [
          { ethertype: 'IPv5' },
          400,
          'SecurityGroupRuleInvalidEtherType',
          "Security group rule for ethertype 'IPv5' not supported. Allowed values are ['IPv4', 'IPv6'].",
        ],
        [
          { remote_ip_prefix: '2001:db8::/64' },
          400,
          'SecurityGroupRuleParameterConflict',
          'Conflicting value ethertype IPv4 for CIDR 2001:db8::/64',
        ],
        [
          { remote_ip_prefix: '10.0.0.0/33' },
          400,
          'InvalidCIDR',
          'Invalid CIDR 10.0.0.0/33 given as IP prefix.',
        ],
        [
          { protocol: 'ipv6-icmp' },
          400,
          'SecurityGroupEthertypeConflictWithProtocol',
          'Invalid ethertype IPv4 for protocol ipv6-icmp.',
        ],
        [
          { remote_ip_prefix: '10.0.0.0/8', remote_group_id: sg.id },
          400,
          'SecurityGroupMultipleRemoteEntites',
          'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.',
        ],
        [
          { direction: 'sideways' },
          400,
          'HTTPBadRequest',
          "Invalid input for direction. Reason: sideways is not in ['ingress', 'egress'].",
        ],
        [
          { remote_group_id: '00000000-0000-0000-0000-000000000000' },
          404,
          'SecurityGroupNotFound',
          'Security group 00000000-0000-0000-0000-000000000000 does not exist',
        ],
        [
          { direction: 'egress' },
          409,
          'SecurityGroupRuleExists',
          expect.stringMatching(/^Security group rule already exists. Rule id is [0-9a-f-]{36}\.$/),
        ],
        [
          { direction: 'egress', remote_ip_prefix: '0.0.0.0/0' },
          409,
          'SecurityGroupRuleExists',
          expect.stringContaining('Security group rule already exists.'),
        ],
      ];
      for (const [body, status, type, message] of cases) {
        const res = await rule(erin.token, { ...base, ...body });
        expect({ body, status: res.statusCode, fault: res.json() }).toEqual({
          body,
          status,
          fault: fault(type, message as string),
        });
      }
      const missingGroup = await rule(erin.token, { direction: 'ingress' });
      expect(missingGroup.json().NeutronError.message).toBe(
        "Failed to parse request. Required attribute 'security_group_id' not specified",
      );
      const shown = (await api.call('GET', `/security-groups/${sg.id}`, erin.token)).json().security_group;
      expect(shown).toMatchObject({ revision_number: 1 });
      expect(shown.security_group_rules).toHaveLength(2);
    });

    it('gives ports the default group, checks named groups and keeps groups in use', async () => {
      const net = await api.create(frank.token, 'network', { name: 'sg-net' });
      await api.create(frank.token, 'subnet', { network_id: net.id, ip_version: 4, cidr: '10.20.0.0/24' });
      const def = await defaultOf(frank.token);
      const port = await api.create(frank.token, 'port', { network_id: net.id });
      expect(port['security_groups']).toEqual([def.id]);
      const web = await group(frank.token, { name: 'web' });
      await rule(frank.token, {
        security_group_id: web.id,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 80,
        port_range_max: 80,
      });
      const other = await group(erin.token, { name: 'erins' });
      const foreign = await api.call('POST', '/ports', frank.token, {
        port: { network_id: net.id, security_groups: [web.id, other.id] },
      });
      expect(foreign.json()).toEqual(
        fault('SecurityGroupNotFound', `Security group ${String(other.id)} does not exist`),
      );
      const noSec = await api.call('POST', '/ports', frank.token, {
        port: { network_id: net.id, port_security_enabled: false, security_groups: [web.id] },
      });
      expect(noSec.json()).toEqual(
        fault(
          'PortSecurityAndIPRequiredForSecurityGroups',
          'Port security must be enabled and port must have an IP address in order to use security groups.',
        ),
      );
      const bare = await api.create(frank.token, 'port', {
        network_id: net.id,
        port_security_enabled: false,
      });
      expect(bare['security_groups']).toEqual([]);
      const off = await api.call('PUT', `/ports/${String(port.id)}`, frank.token, {
        port: { port_security_enabled: false },
      });
      expect(off.statusCode).toBe(409);
      expect(off.json()).toEqual(
        fault(
          'PortSecurityPortHasSecurityGroup',
          'Port has security group associated. Cannot disable port security or IP address until security group is removed.',
        ),
      );
      const moved = await api.call('PUT', `/ports/${String(port.id)}`, frank.token, {
        port: { security_groups: [web.id, def.id] },
      });
      expect(moved.json().port.security_groups).toEqual([web.id, def.id]);
      const effective = await effectiveRulesOfPort(t.cloud.store.db, String(port.id));
      expect(
        effective
          .filter((r) => r.security_group_id === web.id)
          .map((r) => r.port_range_min)
          .sort(),
      ).toEqual([80, null, null]);
      expect(effective).toHaveLength(7);
      const inUse = await api.call('DELETE', `/security-groups/${String(web.id)}`, frank.token);
      expect(inUse.json()).toEqual(fault('SecurityGroupInUse', `Security Group ${String(web.id)} in use.`));
      const cleared = await api.call('PUT', `/ports/${String(port.id)}`, frank.token, {
        port: { security_groups: [], port_security_enabled: false },
      });
      expect(cleared.json().port).toMatchObject({ security_groups: [], port_security_enabled: false });
      expect(await effectiveRulesOfPort(t.cloud.store.db, String(port.id))).toEqual([]);
      expect((await api.call('DELETE', `/security-groups/${String(web.id)}`, frank.token)).statusCode).toBe(
        204,
      );
    });

    it('counts groups and rules against the quota, default rules included', async () => {
      const gina = await projectUser(t, admin, 'gina');
      await api.call('PUT', `/quotas/${gina.projectId}`, admin, {
        quota: { security_group: 2, security_group_rule: 7 },
      });
      await group(gina.token, { name: 'one' });
      const over = await api.call('POST', '/security-groups', gina.token, {
        security_group: { name: 'two' },
      });
      expect(over.json()).toEqual(fault('OverQuota', "Quota exceeded for resources: ['security_group']."));
      const details = (await api.call('GET', `/quotas/${gina.projectId}/details`, gina.token)).json().quota;
      expect(details.security_group).toEqual({ limit: 2, used: 2, reserved: 0 });
      expect(details.security_group_rule).toEqual({ limit: 7, used: 6, reserved: 0 });
      const def = await defaultOf(gina.token);
      expect(
        (
          await rule(gina.token, {
            security_group_id: def.id,
            direction: 'ingress',
            protocol: 'tcp',
            port_range_min: 22,
            port_range_max: 22,
          })
        ).statusCode,
      ).toBe(201);
      const ruleOver = await rule(gina.token, {
        security_group_id: def.id,
        direction: 'ingress',
        protocol: 'icmp',
      });
      expect(ruleOver.json()).toEqual(
        fault('OverQuota', "Quota exceeded for resources: ['security_group_rule']."),
      );
    });

    it('tags groups and filters lists by tag', async () => {
      const sg = await group(erin.token, { name: 'tagged' });
      const put = await api.call('PUT', `/security-groups/${String(sg.id)}/tags/red`, erin.token);
      expect(put.statusCode).toBe(201);
      expect((await api.call('GET', `/security-groups/${String(sg.id)}/tags`, frank.token)).statusCode).toBe(
        404,
      );
      const listed = (await api.call('GET', '/security-groups?tags=red', erin.token)).json().security_groups;
      expect(listed.map((g: Json) => g['id'])).toEqual([sg.id]);
      expect(listed[0]).toMatchObject({ tags: ['red'], revision_number: 2 });
    });
  });
}
