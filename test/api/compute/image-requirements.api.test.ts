import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../../src/agent/drivers/driver.js';
import { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

/** A host that, like a qemu-only host, runs qcow2 VMs and nothing else. */
class Qcow2OnlyDriver extends FakeDriver {
  override async probe(): Promise<HostFacts> {
    return { ...(await super.probe()), traits: ['CUSTOM_STRATA_VM', 'COMPUTE_IMAGE_TYPE_QCOW2'] };
  }
}

for (const dialect of testDialects()) {
  describe(`${dialect}: images no driver in the cloud can run`, () => {
    let t: TestCloud;
    let admin: string;
    let flavor: string;

    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
      admin = await t.adminToken();
      await t.cloud.compute.agents.add(
        'vm-only',
        new Qcow2OnlyDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 }),
      );
      flavor = await createFlavor(t, admin, { name: 'unit', vcpus: 1, ram: 512, disk: 1 });
    });
    afterAll(async () => t?.close());

    const create = (imageRef: string) =>
      t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        payload: { server: { name: 's', imageRef, flavorRef: flavor } },
      });
    const count = async () =>
      (await t.request({ method: 'GET', url: '/compute/v2.1/servers', token: admin })).json().servers.length;

    it('boots an image whose format a host runs', async () => {
      const res = await create(await createImage(t, admin, 'q'));
      expect(res.statusCode).toBe(202);
      await waitForServer(t, admin, res.json().server.id, 'ACTIVE');
    });

    it('refuses a disk format no host runs with 400 naming it, creating nothing', async () => {
      const before = await count();
      const image = await createImage(t, admin, 'v', undefined, {
        disk_format: 'vmdk',
        container_format: 'bare',
      });
      const res = await create(image);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        badRequest: {
          code: 400,
          message: `Image ${image} is unacceptable: no compute host in this cloud runs disk_format vmdk.`,
        },
      });
      expect(await count()).toBe(before);
    });

    it('refuses a container image when no host runs containers', async () => {
      const image = await createImage(t, admin, 'c', undefined, {
        disk_format: 'raw',
        container_format: 'docker',
      });
      const res = await create(image);
      expect(res.statusCode).toBe(400);
      expect(res.json().badRequest.message).toBe(
        `Image ${image} is unacceptable: no compute host in this cloud runs container images (container_format docker).`,
      );
    });
  });
}
