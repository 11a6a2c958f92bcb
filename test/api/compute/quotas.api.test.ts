import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/common/config.js';
import { enforceServerQuota } from '../../../src/compute/quotas/quota-enforcement.js';
import { novaQuotaDefaults } from '../../../src/compute/quotas/quota-resources.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas, Refusal } from './compute-api-fixtures.js';
import {
  computeCaller,
  createPersonas,
  expectFault,
  expectRefusal,
  insertServer,
} from './compute-api-fixtures.js';

const nova21Defaults = {
  cores: 20,
  fixed_ips: -1,
  floating_ips: -1,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
  injected_files: 5,
  instances: 10,
  key_pairs: 100,
  metadata_items: 128,
  ram: 51200,
  security_group_rules: -1,
  security_groups: -1,
  server_group_members: 10,
  server_groups: 10,
};

for (const dialect of testDialects()) {
  describe(`${dialect}: compute quotas and limits API`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    const quotas = async (projectId: string) =>
      (await call('GET', `/os-quota-sets/${projectId}`, p.admin)).json().quota_set;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      await insertServer(t, { projectId: p.projectId, vcpus: 2, ram: 2048 });
      await insertServer(t, { projectId: p.projectId, vcpus: 4, ram: 4096 });
      await insertServer(t, { projectId: p.projectId, vcpus: 8, ram: 8192, deleted: true });
    });
    afterAll(async () => t?.close());

    it("shows Nova's defaults for a project without overrides", async () => {
      const res = await call('GET', `/os-quota-sets/${p.projectId}`, p.member);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ quota_set: { id: p.projectId, ...nova21Defaults } });
      const defaults = await call('GET', `/os-quota-sets/${p.otherProjectId}/defaults`, p.member);
      expect(defaults.json()).toEqual({ quota_set: { id: p.otherProjectId, ...nova21Defaults } });
    });

    it('details usage: live servers count, deleted ones do not', async () => {
      const res = await call('GET', `/os-quota-sets/${p.projectId}/detail`, p.reader);
      expect(res.statusCode).toBe(200);
      const q = res.json().quota_set;
      expect(q.instances).toEqual({ in_use: 2, limit: 10, reserved: 0 });
      expect(q.cores).toEqual({ in_use: 6, limit: 20, reserved: 0 });
      expect(q.ram).toEqual({ in_use: 6144, limit: 51200, reserved: 0 });
      expect(q.key_pairs).toEqual({ in_use: 0, limit: 100, reserved: 0 });
    });

    it('refuses limits for a project identity does not know with 400, storing nothing', async () => {
      const unknown = 'f'.repeat(32);
      const res = await call('PUT', `/os-quota-sets/${unknown}`, p.admin, { quota_set: { instances: 5 } });
      expectFault(res, 400, `Project ID ${unknown} is not a valid project.`);
      expect(await quotas(unknown)).toEqual({ id: unknown, ...nova21Defaults });
    });

    it('sets and resets limits (admin), answering without the id', async () => {
      const res = await call('PUT', `/os-quota-sets/${p.projectId}`, p.admin, {
        quota_set: { instances: 5, cores: '-1' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ quota_set: { ...nova21Defaults, instances: 5, cores: -1 } });
      expect(await quotas(p.projectId)).toMatchObject({ instances: 5, cores: -1 });
      expect(await quotas(p.otherProjectId)).toMatchObject({ instances: 10, cores: 20 });
      expect((await call('DELETE', `/os-quota-sets/${p.projectId}`, p.admin)).statusCode).toBe(202);
      expect(await quotas(p.projectId)).toEqual({ id: p.projectId, ...nova21Defaults });
    });

    it('2.36: the nova-network quotas and limits are gone, and refused in an update', async () => {
      const at = (method: 'GET' | 'PUT', url: string, payload?: object) =>
        t.request({
          method,
          url: `/compute/v2.1${url}`,
          token: p.admin,
          headers: { 'openstack-api-version': 'compute 2.36' },
          ...(payload !== undefined && { payload }),
        });
      const network = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups'];
      const { id: _id, ...shown } = (await at('GET', `/os-quota-sets/${p.projectId}`)).json().quota_set;
      const rest = Object.fromEntries(Object.entries(nova21Defaults).filter(([k]) => !network.includes(k)));
      expect(shown).toEqual(rest);
      expect(
        Object.keys((await at('GET', `/os-quota-sets/${p.projectId}/detail`)).json().quota_set),
      ).not.toContain('floating_ips');
      const absolute = (await at('GET', '/limits')).json().limits.absolute;
      for (const gone of [
        'maxTotalFloatingIps',
        'maxSecurityGroups',
        'maxSecurityGroupRules',
        'totalFloatingIpsUsed',
      ])
        expect(absolute).not.toHaveProperty(gone);
      expect(absolute).toHaveProperty('maxTotalInstances');
      const put = await at('PUT', `/os-quota-sets/${p.projectId}`, { quota_set: { floating_ips: 5 } });
      expect(put.statusCode).toBe(400);
      expect(put.json().badRequest.message).toMatch(
        /Additional properties are not allowed \('floating_ips' was unexpected\)/,
      );
    });

    it('refuses a limit below usage unless forced', async () => {
      const res = await call('PUT', `/os-quota-sets/${p.projectId}`, p.admin, {
        quota_set: { instances: 1, ram: 100000 },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().badRequest.message).toBe(
        'Quota limit 1 for instances must be greater than or equal to already used and reserved 2.',
      );
      expect(await quotas(p.projectId)).toMatchObject({ instances: 10, ram: 51200 });
      const forced = await call('PUT', `/os-quota-sets/${p.projectId}`, p.admin, {
        quota_set: { instances: 1, force: true },
      });
      expect(forced.json().quota_set.instances).toBe(1);
      await call('DELETE', `/os-quota-sets/${p.projectId}`, p.admin);
    });

    it('reports limits and usage for the caller’s project', async () => {
      const res = await call('GET', '/limits', p.member);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        limits: {
          rate: [],
          absolute: {
            maxTotalRAMSize: 51200,
            maxTotalInstances: 10,
            maxTotalCores: 20,
            maxTotalKeypairs: 100,
            maxTotalFloatingIps: -1,
            maxServerMeta: 128,
            maxImageMeta: 128,
            maxPersonality: 5,
            maxPersonalitySize: 10240,
            maxSecurityGroups: -1,
            maxSecurityGroupRules: -1,
            maxServerGroups: 10,
            maxServerGroupMembers: 10,
            totalRAMUsed: 6144,
            totalCoresUsed: 6,
            totalInstancesUsed: 2,
            totalFloatingIpsUsed: 0,
            totalSecurityGroupsUsed: 0,
            totalServerGroupsUsed: 0,
          },
        },
      });
      const forOther = await call('GET', `/limits?tenant_id=${p.projectId}`, p.admin);
      expect(forOther.json().limits.absolute.totalInstancesUsed).toBe(2);
      expect((await call('GET', '/limits', p.other)).json().limits.absolute.totalInstancesUsed).toBe(0);
    });

    it('enforceServerQuota answers 403 with Nova’s message and allows what fits', async () => {
      const db = t.cloud.store.db;
      await expect(
        enforceServerQuota(db, p.projectId, { instances: 8, cores: 14, ram: 1 }, novaQuotaDefaults),
      ).resolves.toBeUndefined();
      await expect(
        enforceServerQuota(db, p.projectId, { instances: 9, cores: 1, ram: 1 }, novaQuotaDefaults),
      ).rejects.toMatchObject({
        status: 403,
        message: 'Quota exceeded for instances: Requested 9, but already used 2 of 10 instances',
      });
      await expect(
        enforceServerQuota(db, p.projectId, { instances: 1, cores: 15, ram: 50000 }, loadConfig({}, {})),
      ).rejects.toMatchObject({
        message:
          'Quota exceeded for cores, ram: Requested 15, 50000, but already used 6, 6144 of 20, 51200 cores, ram',
      });
      await call('PUT', `/os-quota-sets/${p.projectId}`, p.admin, {
        quota_set: { instances: -1, cores: -1, ram: -1 },
      });
      await expect(
        enforceServerQuota(db, p.projectId, { instances: 1000, cores: 1000, ram: 1e6 }, novaQuotaDefaults),
      ).resolves.toBeUndefined();
      await call('DELETE', `/os-quota-sets/${p.projectId}`, p.admin);
    });

    // {own} stands for the member's project id, known once the personas exist.
    const own = '/os-quota-sets/{own}';
    const refusals: ReadonlyArray<Refusal> = [
      [
        'a member setting quotas',
        'member',
        `PUT ${own}`,
        { quota_set: { instances: 50 } },
        403,
        /os-quota-sets:update\.$/,
      ],
      ['a member resetting quotas', 'member', `DELETE ${own}`, undefined, 403, /os-quota-sets:delete/],
      ["reading another project's quotas", 'other', `GET ${own}`, undefined, 403, /os-quota-sets:show/],
      [
        "reading another project's usage",
        'other',
        `GET ${own}/detail`,
        undefined,
        403,
        /os-quota-sets:detail/,
      ],
      [
        "reading another project's limits",
        'other',
        'GET /limits?tenant_id={own}',
        undefined,
        403,
        /limits:other_project/,
      ],
      [
        'an unknown resource',
        'admin',
        `PUT ${own}`,
        { quota_set: { gpus: 1 } },
        400,
        /'gpus' was unexpected/,
      ],
      [
        'a limit below -1',
        'admin',
        `PUT ${own}`,
        { quota_set: { instances: -2 } },
        400,
        /quota_set\/instances/,
      ],
      ['a text limit', 'admin', `PUT ${own}`, { quota_set: { cores: 'many' } }, 400, /quota_set\/cores/],
      [
        'the networks quota',
        'admin',
        `PUT ${own}`,
        { quota_set: { networks: 3 } },
        400,
        'The networks quota has been removed',
      ],
      [
        'per-user quotas',
        'admin',
        `PUT ${own}?user_id=u1`,
        { quota_set: { instances: 3 } },
        400,
        'Per-user quotas are not supported.',
      ],
    ];

    it.each(refusals)('refuses %s and changes nothing', async (label, as, request, ...rest) => {
      await expectRefusal(call, p, [label, as, request.replace('{own}', p.projectId), ...rest]);
      expect(await quotas(p.projectId)).toEqual({ id: p.projectId, ...nova21Defaults });
    });
  });
}
