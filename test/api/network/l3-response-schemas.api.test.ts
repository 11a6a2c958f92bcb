import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileResponseChecker } from '../../../src/common/http/response-check.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { floatingIpResource } from '../../../src/network/floatingips/floatingip-response-schemas.js';
import { rbacPolicyResource } from '../../../src/network/rbac/rbac-response-schemas.js';
import { routerResource } from '../../../src/network/routers/router-response-schemas.js';
import {
  groupResource,
  ruleResource,
} from '../../../src/network/security-groups/security-group-response-schemas.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

/** Problems of a body against a resource's full schema (routes check only the `fields=` form). */
const problems = (schema: TSchema, body: unknown) => compileResponseChecker(schema)(body, undefined);

// Routes declare the `fields=`-tolerant schema; these calls, made without `fields=`, must also show
// every attribute Neutron always shows, for the owner and for an admin.
for (const dialect of testDialects()) {
  describe(`${dialect}: security group, router, floating IP and RBAC bodies in full`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    const ids: Record<string, string> = {};
    const get = async (path: string, token: string) => {
      const res = await api.call('GET', path, token);
      expect(res.statusCode).toBe(200);
      return res.json() as Json;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
      const pub = await api.create(admin, 'network', { name: 'public', 'router:external': true });
      await api.create(admin, 'subnet', { network_id: pub.id, ip_version: 4, cidr: '172.24.4.0/24' });
      const net = await api.create(alice.token, 'network', { name: 'private' });
      const subnet = await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.0.0.0/24',
      });
      const router = await api.create(alice.token, 'router', {
        name: 'r',
        external_gateway_info: { network_id: pub.id },
      });
      const add = await api.call('PUT', `/routers/${router.id as string}/add_router_interface`, alice.token, {
        subnet_id: subnet.id,
      });
      expect(add.statusCode).toBe(200);
      const port = await api.create(alice.token, 'port', { network_id: net.id });
      const fip = await api.create(alice.token, 'floatingip', {
        floating_network_id: pub.id,
        port_id: port.id,
      });
      const sg = await api.call('POST', '/security-groups', alice.token, { security_group: { name: 'web' } });
      const rule = await api.call('POST', '/security-group-rules', alice.token, {
        security_group_rule: {
          security_group_id: sg.json().security_group.id,
          direction: 'ingress',
          protocol: 'tcp',
          port_range_min: 80,
          port_range_max: 80,
          remote_ip_prefix: '10.0.0.7/24',
        },
      });
      expect(rule.statusCode).toBe(201);
      const rbac = await api.call('POST', '/rbac-policies', alice.token, {
        rbac_policy: {
          object_type: 'network',
          object_id: net.id,
          action: 'access_as_shared',
          target_tenant: '7f1d3c52e0a94b6c8d2e5f4a3b2c1d0e',
        },
      });
      expect(rbac.statusCode).toBe(201);
      Object.assign(ids, {
        router: router.id,
        fip: fip.id,
        sg: sg.json().security_group.id,
        rule: rule.json().security_group_rule.id,
        rbac: rbac.json().rbac_policy.id,
      });
    });
    afterAll(async () => t?.close());

    it('shows security groups with their rules and every always-shown attribute', async () => {
      for (const token of [alice.token, admin]) {
        const one = await get(`/security-groups/${ids['sg']!}`, token);
        expect(problems(groupResource.full, one['security_group'])).toEqual([]);
        for (const g of (await get('/security-groups', token))['security_groups'] as Json[])
          expect(problems(groupResource.full, g)).toEqual([]);
        const rule = await get(`/security-group-rules/${ids['rule']!}`, token);
        expect(problems(ruleResource.full, rule['security_group_rule'])).toEqual([]);
      }
    });

    it('shows routers with the gateway, routes and standard attributes', async () => {
      for (const token of [alice.token, admin]) {
        const one = (await get(`/routers/${ids['router']!}`, token))['router'] as Json;
        expect(problems(routerResource.full, one)).toEqual([]);
        expect(one['external_gateway_info']).toMatchObject({ enable_snat: true });
      }
    });

    it('shows floating IPs and RBAC policies in full', async () => {
      for (const token of [alice.token, admin]) {
        const fip = await get(`/floatingips/${ids['fip']!}`, token);
        expect(problems(floatingIpResource.full, fip['floatingip'])).toEqual([]);
        const rbac = await get(`/rbac-policies/${ids['rbac']!}`, token);
        expect(problems(rbacPolicyResource.full, rbac['rbac_policy'])).toEqual([]);
      }
    });

    it("answers `openstack security group list`'s fields= selection with just those attributes", async () => {
      const fields = ['id', 'name', 'description', 'project_id', 'tags'];
      const query = fields.map((f) => `fields=${f}`).join('&');
      const listed = (await get(`/security-groups?${query}`, alice.token))['security_groups'] as Json[];
      expect(listed.length).toBeGreaterThan(0);
      for (const g of listed) expect(Object.keys(g).sort()).toEqual([...fields].sort());
      // A selection is never checked against the full schema: it leaves out always-shown attributes.
      expect(problems(groupResource.full, listed[0])).not.toEqual([]);
    });
  });
}
