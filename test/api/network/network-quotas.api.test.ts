import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: network quotas API`, () => {
    let t: TestCloud;
    let admin: string;
    let carol: ProjectUser;
    let dave: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      carol = await projectUser(t, admin, 'carol');
      dave = await projectUser(t, admin, 'dave');
    });
    afterAll(async () => t?.close());

    it("shows Neutron's defaults to the project itself, and refuses other projects' quotas", async () => {
      const own = await api.call('GET', `/quotas/${carol.projectId}`, carol.token);
      expect(own.json()).toEqual({
        quota: {
          network: 100,
          subnet: 100,
          port: 500,
          security_group: 10,
          security_group_rule: 100,
          router: 10,
          floatingip: 50,
          subnetpool: -1,
          rbac_policy: 10,
        },
      });
      expect((await api.call('GET', `/quotas/${carol.projectId}`, dave.token)).statusCode).toBe(403);
      expect(
        (await api.call('PUT', `/quotas/${carol.projectId}`, carol.token, { quota: { network: 1 } }))
          .statusCode,
      ).toBe(403);
      expect((await api.call('GET', '/quotas/project', carol.token)).json()).toEqual({
        project: { project_id: carol.projectId },
      });
    });

    it('enforces a lowered limit with OverQuota and reports usage in details', async () => {
      const set = await api.call('PUT', `/quotas/${carol.projectId}`, admin, {
        quota: { network: 1, port: '2' },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json().quota).toEqual({
        network: 1,
        subnet: 100,
        port: 2,
        security_group: 10,
        security_group_rule: 100,
        router: 10,
        floatingip: 50,
        subnetpool: -1,
        rbac_policy: 10,
      });
      const net = await api.create(carol.token, 'network', { name: 'only-one' });
      const over = await api.call('POST', '/networks', carol.token, { network: { name: 'two' } });
      expect(over.statusCode).toBe(409);
      expect(over.json().NeutronError).toEqual({
        type: 'OverQuota',
        message: "Quota exceeded for resources: ['network'].",
        detail: '',
      });
      await api.create(carol.token, 'subnet', { network_id: net.id, ip_version: 4, cidr: '10.0.0.0/24' });
      await api.create(carol.token, 'port', { network_id: net.id });
      const details = (await api.call('GET', `/quotas/${carol.projectId}/details`, carol.token)).json();
      expect(details.quota).toEqual({
        network: { limit: 1, used: 1, reserved: 0 },
        subnet: { limit: 100, used: 1, reserved: 0 },
        port: { limit: 2, used: 1, reserved: 0 },
        // The default group made on first use, and its four rules.
        security_group: { limit: 10, used: 1, reserved: 0 },
        security_group_rule: { limit: 100, used: 4, reserved: 0 },
        router: { limit: 10, used: 0, reserved: 0 },
        floatingip: { limit: 50, used: 0, reserved: 0 },
        subnetpool: { limit: -1, used: 0, reserved: 0 },
        rbac_policy: { limit: 10, used: 0, reserved: 0 },
      });
      const listed = (await api.call('GET', '/quotas', admin)).json().quotas;
      expect(listed).toContainEqual({
        project_id: carol.projectId,
        tenant_id: carol.projectId,
        network: 1,
        subnet: 100,
        port: 2,
        security_group: 10,
        security_group_rule: 100,
        router: 10,
        floatingip: 50,
        subnetpool: -1,
        rbac_policy: 10,
      });
    });

    it('validates limits and resets to defaults on delete', async () => {
      const low = await api.call('PUT', `/quotas/${dave.projectId}`, admin, { quota: { port: -2 } });
      expect(low.json().NeutronError).toEqual({
        type: 'HTTPBadRequest',
        message: "Invalid input for port. Reason: '-2' is too small - must be at least '-1'.",
        detail: '',
      });
      const unknown = await api.call('PUT', `/quotas/${dave.projectId}`, admin, { quota: { pool: 3 } });
      expect(unknown.json().NeutronError.message).toBe("Unrecognized attribute(s) 'pool'");
      await api.create(dave.token, 'network', { name: 'd1' });
      const checked = await api.call('PUT', `/quotas/${dave.projectId}`, admin, {
        quota: { network: 0, check_limit: true },
      });
      expect(checked.json().NeutronError.message).toBe(
        'Quota limit 0 for network must be greater than or equal to already used 1',
      );
      expect(
        (await api.call('PUT', `/quotas/${dave.projectId}`, admin, { quota: { network: -1 } })).statusCode,
      ).toBe(200);
      expect((await api.call('DELETE', `/quotas/${dave.projectId}`, admin)).statusCode).toBe(204);
      expect((await api.call('GET', `/quotas/${dave.projectId}`, admin)).json().quota.network).toBe(100);
    });

    it('counts RBAC policies against rbac_policy, as Neutron registers them', async () => {
      const net = await api.create(dave.token, 'network', { name: 'to-share' });
      await api.call('PUT', `/quotas/${dave.projectId}`, admin, { quota: { rbac_policy: 1 } });
      const share = (target: string) =>
        api.call('POST', '/rbac-policies', dave.token, {
          rbac_policy: {
            object_type: 'network',
            object_id: net.id,
            action: 'access_as_shared',
            target_tenant: target,
          },
        });
      expect((await share(carol.projectId)).statusCode).toBe(201);
      // A member may not share with '*', so the second target is another project's id.
      const over = await share('7f1d3c52e0a94b6c8d2e5f4a3b2c1d0e');
      expect(over.statusCode).toBe(409);
      expect(over.json().NeutronError.message).toBe("Quota exceeded for resources: ['rbac_policy'].");
      const details = (await api.call('GET', `/quotas/${dave.projectId}/details`, dave.token)).json();
      expect(details.quota.rbac_policy).toEqual({ limit: 1, used: 1, reserved: 0 });
      expect(
        (
          await api.call('GET', '/rbac-policies?target_tenant=7f1d3c52e0a94b6c8d2e5f4a3b2c1d0e', dave.token)
        ).json().rbac_policies,
      ).toEqual([]);
    });
  });
}
