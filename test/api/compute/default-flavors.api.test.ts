import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapComputeDefaults } from '../../../src/cli/up-bootstrap.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

/** DevStack's flavors (lib/nova): id, name, vcpus, RAM MiB, disk GiB. */
const devstack = [
  ['1', 'm1.tiny', 1, 512, 1],
  ['2', 'm1.small', 1, 2048, 20],
  ['3', 'm1.medium', 2, 4096, 40],
  ['4', 'm1.large', 4, 8192, 80],
  ['5', 'm1.xlarge', 8, 16384, 160],
  ['c1', 'cirros256', 1, 256, 1],
  ['d1', 'ds512M', 1, 512, 5],
  ['d2', 'ds1G', 1, 1024, 10],
  ['d3', 'ds2G', 2, 2048, 10],
  ['d4', 'ds4G', 4, 4096, 20],
] as const;

for (const dialect of testDialects()) {
  describe(`${dialect}: strata up's default flavors`, () => {
    let t: TestCloud;
    let admin: string;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      const projects = await t.request({
        method: 'GET',
        url: '/identity/v3/projects?name=admin',
        token: admin,
      });
      await bootstrapComputeDefaults(t.cloud, projects.json().projects[0].id as string);
    });
    afterAll(async () => t?.close());

    it("creates DevStack's flavors with its ids and sizes, public", async () => {
      const res = await t.request({ method: 'GET', url: '/compute/v2.1/flavors/detail', token: admin });
      const flavors = res.json().flavors as Array<Record<string, unknown>>;
      const got = flavors.map((f) => [f['id'], f['name'], f['vcpus'], f['ram'], f['disk']]);
      expect(got.sort()).toEqual(devstack.map((f) => [...f]).sort());
      expect(flavors.every((f) => f['os-flavor-access:is_public'] === true)).toBe(true);
    });

    it('adds none again once the cloud has flavors', async () => {
      const del = await t.request({ method: 'DELETE', url: '/compute/v2.1/flavors/5', token: admin });
      expect(del.statusCode).toBe(202);
      await bootstrapComputeDefaults(t.cloud, 'unused');
      const res = await t.request({ method: 'GET', url: '/compute/v2.1/flavors', token: admin });
      expect(res.json().flavors.map((f: { name: string }) => f.name)).not.toContain('m1.xlarge');
    });
  });
}
