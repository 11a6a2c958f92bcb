import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../../src/agent/drivers/driver.js';
import { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { bootstrapComputeDefaults, testImageName } from '../../../src/cli/up-bootstrap.js';
import { bootServer, waitForServer } from '../../support/compute-fixtures.js';
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

/** A host that runs raw VMs, as a qemu host does, and is not a fake one. */
class RawVmDriver extends FakeDriver {
  override async probe(): Promise<HostFacts> {
    return { ...(await super.probe()), traits: ['CUSTOM_STRATA_VM', 'COMPUTE_IMAGE_TYPE_RAW'] };
  }
}

for (const dialect of testDialects()) {
  describe(`${dialect}: strata up's fake-driver test image`, () => {
    let t: TestCloud;
    let admin: string;
    let image: string;

    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
      admin = await t.adminToken();
      const projects = await t.request({
        method: 'GET',
        url: '/identity/v3/projects?name=admin',
        token: admin,
      });
      await bootstrapComputeDefaults(t.cloud, projects.json().projects[0].id as string);
      const images = await t.request({
        method: 'GET',
        url: `/image/v2/images?name=${testImageName}`,
        token: admin,
      });
      image = images.json().images[0].id as string;
    });
    afterAll(async () => t?.close());

    it('boots only on a fake host: elsewhere the server fails with No valid host', async () => {
      await t.cloud.compute.agents.add('raw-vm', new RawVmDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 }));
      const id = await bootServer(t, admin, { name: 'not-here', imageRef: image, flavorRef: 'c1' });
      const s = await waitForServer(t, admin, id, 'ERROR');
      expect(s['fault']).toMatchObject({ code: 500, message: 'No valid host was found. ' });
      await t.cloud.compute.agents.add('fake-1', new FakeDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 }));
      const ok = await bootServer(t, admin, { name: 'here', imageRef: image, flavorRef: 'c1' });
      expect((await waitForServer(t, admin, ok, 'ACTIVE'))['OS-EXT-SRV-ATTR:host']).toBe('fake-1');
    });
  });
}
