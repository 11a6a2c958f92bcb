import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

/** MEMORY_MB used per compute host's provider (the volume pool's sharing provider has none). */
async function memoryUsageByHost(t: TestCloud, token: string): Promise<Record<string, number>> {
  const rps = (await t.request({ method: 'GET', url: '/placement/resource_providers', token })).json()
    .resource_providers as Array<{ uuid: string; name: string }>;
  const out: Record<string, number> = {};
  for (const rp of rps) {
    const url = `/placement/resource_providers/${rp.uuid}/inventories`;
    const inventories = (await t.request({ method: 'GET', url, token })).json().inventories as object;
    if (!('MEMORY_MB' in inventories)) continue;
    const usages = await t.request({
      method: 'GET',
      url: `/placement/resource_providers/${rp.uuid}/usages`,
      token,
    });
    out[rp.name] = usages.json().usages.MEMORY_MB ?? 0;
  }
  return out;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: resize with confirm and revert`, () => {
    let t: TestCloud;
    let admin: string;
    let small: string;
    let large: string;
    let image: string;
    const action = (id: string, body: object) =>
      t.request({ method: 'POST', url: `/compute/v2.1/servers/${id}/action`, token: admin, payload: body });
    const usage = () => memoryUsageByHost(t, admin);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      small = await createFlavor(t, admin, { name: 'small', vcpus: 1, ram: 512, disk: 1 });
      large = await createFlavor(t, admin, { name: 'large', vcpus: 2, ram: 1024, disk: 2 });
      image = await createImage(t, admin, 'img');
    });
    afterAll(async () => t?.close());

    it('resizes to VERIFY_RESIZE holding both flavors, then confirm keeps only the new one', async () => {
      const id = await bootServer(t, admin, { name: 'r1', imageRef: image, flavorRef: small });
      await waitForServer(t, admin, id, 'ACTIVE');
      const before = await usage();
      expect((await action(id, { resize: { flavorRef: large } })).statusCode).toBe(202);
      const resized = await waitForServer(t, admin, id, 'VERIFY_RESIZE');
      expect(resized['flavor']).toMatchObject({ id: large });
      const during = await usage();
      expect(during['fake-0001']! - before['fake-0001']!).toBe(1024); // new flavor, and the migration still holds 512
      expect((await action(id, { confirmResize: null })).statusCode).toBe(204);
      await waitForServer(t, admin, id, 'ACTIVE');
      expect((await usage())['fake-0001']! - before['fake-0001']!).toBe(512);
      const events = (
        await t.request({
          method: 'GET',
          url: `/compute/v2.1/servers/${id}/os-instance-actions`,
          token: admin,
        })
      ).json().instanceActions;
      expect(events.map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining(['resize', 'confirmResize']),
      );
    });

    it('reverts to the old flavor and releases the new claim', async () => {
      const id = await bootServer(t, admin, { name: 'r2', imageRef: image, flavorRef: small });
      await waitForServer(t, admin, id, 'ACTIVE');
      const before = await usage();
      expect((await action(id, { resize: { flavorRef: large } })).statusCode).toBe(202);
      await waitForServer(t, admin, id, 'VERIFY_RESIZE');
      expect((await action(id, { revertResize: null })).statusCode).toBe(202);
      const back = await waitForServer(t, admin, id, 'ACTIVE');
      expect(back['flavor']).toMatchObject({ id: small });
      expect(await usage()).toEqual(before);
    });

    it('refuses the same flavor with 400 and confirm outside VERIFY_RESIZE with 409', async () => {
      const id = await bootServer(t, admin, { name: 'r3', imageRef: image, flavorRef: small });
      await waitForServer(t, admin, id, 'ACTIVE');
      const same = await action(id, { resize: { flavorRef: small } });
      expect(same.statusCode).toBe(400);
      expect(same.json().badRequest.message).toBe('When resizing, instances must change flavor!');
      expect((await action(id, { confirmResize: null })).statusCode).toBe(409);
    });

    it('leaves the server ACTIVE with a fault when no host can take the new flavor', async () => {
      const id = await bootServer(t, admin, { name: 'r4', imageRef: image, flavorRef: small });
      await waitForServer(t, admin, id, 'ACTIVE');
      const huge = await createFlavor(t, admin, { name: 'huge-disk', vcpus: 1, ram: 512, disk: 100_000 });
      expect((await action(id, { resize: { flavorRef: huge } })).statusCode).toBe(202);
      const s = await waitForServer(t, admin, id, 'ACTIVE');
      expect(s['flavor']).toMatchObject({ id: small });
    });
  });

  describe(`${dialect}: a resize that fails on its destination`, () => {
    let t: TestCloud;
    let admin: string;
    const other = (host: unknown) => (host === 'rz-0001' ? 'rz-0002' : 'rz-0001');

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      const shape = { vcpus: 4, memoryMb: 4096, diskGb: 40 };
      await t.cloud.compute.agents.addFakeHosts(2, shape, { prefix: 'rz', availabilityZone: 'rz' });
    });
    afterAll(async () => t?.close());

    it('goes back to its source, ACTIVE with the old flavor, and the destination claim is released', async () => {
      const small = await createFlavor(t, admin, { name: 'small', vcpus: 1, ram: 512, disk: 1 });
      const failing = await createFlavor(t, admin, {
        name: 'large-failing',
        vcpus: 2,
        ram: 1024,
        disk: 2,
        extraSpecs: { 'fake:fail_create': 'terminal' },
      });
      const large = await createFlavor(t, admin, { name: 'large', vcpus: 2, ram: 1024, disk: 2 });
      const image = await createImage(t, admin, 'img');
      const id = await bootServer(t, admin, {
        name: 'rf',
        imageRef: image,
        flavorRef: small,
        availability_zone: 'rz',
      });
      const source = (await waitForServer(t, admin, id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host'];
      const action = (body: object) =>
        t.request({ method: 'POST', url: `/compute/v2.1/servers/${id}/action`, token: admin, payload: body });

      expect((await action({ resize: { flavorRef: failing } })).statusCode).toBe(202);
      const back = await waitForServer(t, admin, id, 'ACTIVE');
      expect(back['OS-EXT-SRV-ATTR:host']).toBe(source);
      expect(back['flavor']).toMatchObject({ id: small });
      // Spread sent the new flavor to the empty host, where the build failed.
      const migration = await t.cloud.store.db
        .selectFrom('migrations')
        .select(['status', 'source_compute', 'dest_compute'])
        .where('server_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(migration).toEqual({ status: 'error', source_compute: source, dest_compute: other(source) });
      expect(await memoryUsage()).toEqual({ 'fake-0001': 0, [String(source)]: 512, [other(source)]: 0 });
      const events = await resizeEvents(id);
      expect(events.map((e) => [e.event, e.result])).toContainEqual(['compute_resize_instance', 'Error']);
      expect(events.find((e) => e.result === 'Error')!.traceback).toContain('injected terminal');

      // The failed migration does not stand in the way of the next resize.
      expect((await action({ resize: { flavorRef: large } })).statusCode).toBe(202);
      await waitForServer(t, admin, id, 'VERIFY_RESIZE');
      expect((await action({ confirmResize: null })).statusCode).toBe(204);
      await waitForServer(t, admin, id, 'ACTIVE');
      expect(Object.values(await memoryUsage()).reduce((a, b) => a + b, 0)).toBe(1024);
    });

    async function resizeEvents(id: string) {
      const get = (url: string) => t.request({ method: 'GET', url: `/compute/v2.1${url}`, token: admin });
      const actions = (await get(`/servers/${id}/os-instance-actions`)).json().instanceActions as Array<{
        action: string;
        request_id: string;
      }>;
      const r = actions.find((a) => a.action === 'resize')!;
      return (await get(`/servers/${id}/os-instance-actions/${r.request_id}`)).json().instanceAction
        .events as Array<{ event: string; result: string; traceback: string }>;
    }

    const memoryUsage = () => memoryUsageByHost(t, admin);
  });
}
