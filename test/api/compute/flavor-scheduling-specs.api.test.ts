import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

const shape = { vcpus: 4, memoryMb: 4096, diskGb: 40 };

/**
 * Flavor extra specs and image properties the scheduler turns into placement's request,
 * as Nova's ResourceRequest does: `trait:X=forbidden` (placement's `!X`) and
 * `resources:<CLASS>=<amount>` (overriding, adding or dropping a class of the claim).
 */
for (const dialect of testDialects()) {
  describe(`${dialect}: flavor and image specs in scheduling`, () => {
    let t: TestCloud;
    let admin: string;
    let image: string;
    const placement = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.request({
        method,
        url: `/placement${url}`,
        token: admin,
        headers: { 'openstack-api-version': 'placement 1.39' },
        ...(payload && { payload }),
      });
    const providerOf = async (name: string) => {
      const rps = (await placement('GET', `/resource_providers?name=${name}`)).json().resource_providers;
      return rps[0] as { uuid: string; generation: number };
    };
    const addTrait = async (host: string, trait: string) => {
      expect((await placement('PUT', `/traits/${trait}`)).statusCode).toBeLessThan(300);
      const rp = await providerOf(host);
      const cur = (await placement('GET', `/resource_providers/${rp.uuid}/traits`)).json();
      const res = await placement('PUT', `/resource_providers/${rp.uuid}/traits`, {
        traits: [...cur.traits, trait],
        resource_provider_generation: cur.resource_provider_generation,
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    const addInventory = async (host: string, rc: string, total: number) => {
      expect((await placement('PUT', `/resource_classes/${rc}`)).statusCode).toBeLessThan(300);
      const rp = await providerOf(host);
      const res = await placement('POST', `/resource_providers/${rp.uuid}/inventories`, {
        resource_provider_generation: rp.generation,
        resource_class: rc,
        total,
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    const hostOf = async (id: string, status = 'ACTIVE') =>
      (await waitForServer(t, admin, id, status))['OS-EXT-SRV-ATTR:host'];
    /** The server's allocations, as { hostname: resources }. */
    const claimsOf = async (consumer: string) => {
      const allocations = (await placement('GET', `/allocations/${consumer}`)).json().allocations as Record<
        string,
        { resources: Record<string, number> }
      >;
      const rps = (await placement('GET', '/resource_providers')).json().resource_providers as Array<{
        uuid: string;
        name: string;
      }>;
      const name = new Map(rps.map((r) => [r.uuid, r.name]));
      return Object.fromEntries(Object.entries(allocations).map(([rp, a]) => [name.get(rp), a.resources]));
    };
    const action = (id: string, body: object) =>
      t.request({ method: 'POST', url: `/compute/v2.1/servers/${id}/action`, token: admin, payload: body });
    const remove = async (id: string) => {
      await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
      await waitForServer(t, admin, id, 'DELETED');
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      const agents = t.cloud.compute.agents;
      await agents.addFakeHosts(3, shape, { prefix: 'tr', availabilityZone: 'traits' });
      await agents.addFakeHosts(2, shape, { prefix: 'rs', availabilityZone: 'res' });
      await addTrait('tr-0001', 'CUSTOM_SLOW');
      await addTrait('tr-0002', 'CUSTOM_SLOW');
      await addInventory('rs-0002', 'CUSTOM_FPGA', 2);
      // Placement API writes do not reach the scheduler's host cache at once (it reloads every 2 s).
      t.cloud.compute.deps.signals.hostsChanged();
      image = await createImage(t, admin, 'img');
    });
    afterAll(async () => t?.close());

    it('keeps a server off hosts with a trait its flavor forbids', async () => {
      const flavor = await createFlavor(t, admin, {
        name: 'not-slow',
        vcpus: 1,
        ram: 512,
        disk: 5,
        extraSpecs: { 'trait:CUSTOM_SLOW': 'forbidden' },
      });
      // Every host is empty: without the trait rule, the tie would go to tr-0001.
      const id = await bootServer(t, admin, {
        name: 'f1',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'traits',
      });
      expect(await hostOf(id)).toBe('tr-0003');
      await remove(id);
    });

    it('keeps a server off hosts with a trait its image forbids', async () => {
      const props = { disk_format: 'qcow2', container_format: 'bare', 'trait:CUSTOM_SLOW': 'forbidden' };
      const picky = await createImage(t, admin, 'picky', undefined, props);
      const flavor = await createFlavor(t, admin, { name: 'plain-tr', vcpus: 1, ram: 512, disk: 5 });
      const id = await bootServer(t, admin, {
        name: 'i1',
        imageRef: picky,
        flavorRef: flavor,
        availability_zone: 'traits',
      });
      expect(await hostOf(id)).toBe('tr-0003');
      await remove(id);
    });

    it("resizes under the new flavor's traits, not the old one's", async () => {
      const plain = await createFlavor(t, admin, { name: 'plain-rz', vcpus: 1, ram: 512, disk: 5 });
      const notSlow = await createFlavor(t, admin, {
        name: 'not-slow-rz',
        vcpus: 1,
        ram: 1024,
        disk: 5,
        extraSpecs: { 'trait:CUSTOM_SLOW': 'forbidden' },
      });
      const id = await bootServer(t, admin, {
        name: 'rz1',
        imageRef: image,
        flavorRef: plain,
        availability_zone: 'traits',
      });
      expect(await hostOf(id)).toBe('tr-0001');
      expect((await action(id, { resize: { flavorRef: notSlow } })).statusCode).toBe(202);
      // tr-0002 is as empty as tr-0003 and first by name, but has the trait the new flavor forbids.
      expect(await hostOf(id, 'VERIFY_RESIZE')).toBe('tr-0003');
      expect((await action(id, { confirmResize: null })).statusCode).toBe(204);
      await waitForServer(t, admin, id, 'ACTIVE');
      await remove(id);
    });

    it('fails with NoValidHost, saying why, when every host has a forbidden trait', async () => {
      const flavor = await createFlavor(t, admin, {
        name: 'no-fake',
        vcpus: 1,
        ram: 512,
        disk: 5,
        extraSpecs: { 'trait:CUSTOM_STRATA_FAKE': 'forbidden' },
      });
      const id = await bootServer(t, admin, {
        name: 'f2',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'traits',
      });
      const s = await waitForServer(t, admin, id, 'ERROR');
      expect((s['fault'] as { details: string }).details).toContain(
        '3 with forbidden trait CUSTOM_STRATA_FAKE',
      );
      expect(await claimsOf(id)).toEqual({});
    });

    it('claims what resources: specs say: an amount replaced, a class added, a class dropped', async () => {
      const flavor = await createFlavor(t, admin, {
        name: 'fpga',
        vcpus: 2,
        ram: 512,
        disk: 5,
        extraSpecs: { 'resources:MEMORY_MB': '1024', 'resources:CUSTOM_FPGA': '1', 'resources:VCPU': '0' },
      });
      const id = await bootServer(t, admin, {
        name: 'r1',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'res',
      });
      // rs-0001 has no CUSTOM_FPGA inventory, and would win the tie otherwise.
      expect(await hostOf(id)).toBe('rs-0002');
      expect(await claimsOf(id)).toEqual({ 'rs-0002': { MEMORY_MB: 1024, DISK_GB: 5, CUSTOM_FPGA: 1 } });
      const second = await bootServer(t, admin, {
        name: 'r2',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'res',
      });
      expect(await hostOf(second)).toBe('rs-0002');
      // Both FPGAs are taken now: a third fits nowhere, and says what it lacked.
      const third = await bootServer(t, admin, {
        name: 'r3',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'res',
      });
      const s = await waitForServer(t, admin, third, 'ERROR');
      expect((s['fault'] as { details: string }).details).toContain('lacking CUSTOM_FPGA');
      expect(await claimsOf(third)).toEqual({});
      await remove(id);
      await remove(second);
    });

    it('keeps the claims of a resize into and back out of such a flavor consistent', async () => {
      const plain = await createFlavor(t, admin, { name: 'plain', vcpus: 1, ram: 512, disk: 5 });
      const fpga = await createFlavor(t, admin, {
        name: 'fpga-2',
        vcpus: 1,
        ram: 512,
        disk: 5,
        extraSpecs: { 'resources:CUSTOM_FPGA': '1', 'resources:DISK_GB': '2' },
      });
      const fpgaClaim = { VCPU: 1, MEMORY_MB: 512, DISK_GB: 2, CUSTOM_FPGA: 1 };
      // Into the flavor, then confirm: the server keeps the flavor's claim, the migration's goes.
      const a = await bootServer(t, admin, {
        name: 'z1',
        imageRef: image,
        flavorRef: plain,
        availability_zone: 'res',
      });
      expect(await hostOf(a)).toBe('rs-0001');
      expect((await action(a, { resize: { flavorRef: fpga } })).statusCode).toBe(202);
      expect(await hostOf(a, 'VERIFY_RESIZE')).toBe('rs-0002');
      expect(await claimsOf(a)).toEqual({ 'rs-0002': fpgaClaim });
      expect((await action(a, { confirmResize: null })).statusCode).toBe(204);
      await waitForServer(t, admin, a, 'ACTIVE');
      expect(await claimsOf(a)).toEqual({ 'rs-0002': fpgaClaim });
      // Out of the flavor, then revert: the claim goes back to the source with the flavor's amounts.
      expect((await action(a, { resize: { flavorRef: plain } })).statusCode).toBe(202);
      await waitForServer(t, admin, a, 'VERIFY_RESIZE');
      expect((await action(a, { revertResize: null })).statusCode).toBe(202);
      expect(await hostOf(a)).toBe('rs-0002');
      expect(await claimsOf(a)).toEqual({ 'rs-0002': fpgaClaim });
      const usages = (
        await placement('GET', `/resource_providers/${(await providerOf('rs-0002')).uuid}/usages`)
      ).json();
      expect(usages.usages).toMatchObject({ VCPU: 1, MEMORY_MB: 512, DISK_GB: 2, CUSTOM_FPGA: 1 });
      await remove(a);
    });
  });
}
