import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { PlacementCaller } from './placement-calls.js';
import { makeProvider, placementCaller } from './placement-calls.js';

const consumer = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

for (const dialect of testDialects()) {
  describe(`${dialect}: placement allocations and usages API`, () => {
    let t: TestCloud;
    let admin = '';
    let call: PlacementCaller;
    let host = '';
    let other = '';
    const usages = async (rp: string) =>
      (await call('GET', `/resource_providers/${rp}/usages`)).json().usages;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      call = placementCaller(t, () => admin);
      host = await makeProvider(call, 'alloc-host', {
        VCPU: { total: 4, allocation_ratio: 2 },
        MEMORY_MB: { total: 2048, reserved: 512 },
        DISK_GB: { total: 100, step_size: 10, max_unit: 50 },
      });
      other = await makeProvider(call, 'alloc-other', { VCPU: { total: 2 } });
    });
    afterAll(async () => t?.close());

    it('writes the list form before 1.12 and shows it by provider', async () => {
      const res = await call(
        'PUT',
        `/allocations/${consumer(1)}`,
        { allocations: [{ resource_provider: { uuid: host }, resources: { VCPU: 1 } }] },
        '1.0',
      );
      expect(res.statusCode).toBe(204);
      const old = await call('GET', `/allocations/${consumer(1)}`, undefined, '1.11');
      expect(old.json()).toEqual({ allocations: { [host]: { generation: 2, resources: { VCPU: 1 } } } });
      const v112 = await call('GET', `/allocations/${consumer(1)}`, undefined, '1.12');
      expect(v112.json()).toMatchObject({
        project_id: '00000000-0000-0000-0000-000000000000',
        user_id: '00000000-0000-0000-0000-000000000000',
      });
      expect(v112.json().consumer_generation).toBeUndefined();
      const missing = await call('PUT', `/allocations/${consumer(1)}`, { allocations: [] }, '1.8');
      expect(missing.statusCode).toBe(400);
    });

    it('checks consumer generations from 1.28', async () => {
      const body = (gen: number | null, vcpu: number) => ({
        allocations: { [host]: { resources: { VCPU: vcpu } } },
        project_id: 'proj-a',
        user_id: 'user-a',
        consumer_generation: gen,
      });
      expect((await call('PUT', `/allocations/${consumer(2)}`, body(null, 2), '1.28')).statusCode).toBe(204);
      const again = await call('PUT', `/allocations/${consumer(2)}`, body(null, 2), '1.28');
      expect(again.statusCode).toBe(409);
      expect(again.json().errors[0]).toMatchObject({
        code: 'placement.concurrent_update',
        detail: 'consumer generation conflict - expected null but got 1',
      });
      const stale = await call('PUT', `/allocations/${consumer(2)}`, body(5, 2), '1.28');
      expect(stale.json().errors[0].detail).toBe('consumer generation conflict - expected 5 but got 1');
      expect((await call('PUT', `/allocations/${consumer(2)}`, body(1, 3), '1.28')).statusCode).toBe(204);
      const shown = await call('GET', `/allocations/${consumer(2)}`, undefined, '1.28');
      expect(shown.json()).toEqual({
        allocations: { [host]: { generation: 4, resources: { VCPU: 3 } } },
        project_id: 'proj-a',
        user_id: 'user-a',
        consumer_generation: 2,
      });
      const noGen = await call('PUT', `/allocations/${consumer(2)}`, {
        ...body(1, 3),
        consumer_generation: undefined,
      });
      expect(noGen.statusCode).toBe(400);
    });

    it('refuses allocations over capacity or against the unit constraints', async () => {
      const put = (resources: Record<string, number>, rp = host) =>
        call(
          'PUT',
          `/allocations/${consumer(3)}`,
          {
            allocations: { [rp]: { resources } },
            project_id: 'proj-a',
            user_id: 'user-a',
            consumer_generation: null,
          },
          '1.28',
        );
      const rows: Array<[Record<string, number>, number, string, string?]> = [
        [{ VCPU: 5 }, 409, 'would exceed the capacity'],
        [{ MEMORY_MB: 1537 }, 409, 'would exceed the capacity'],
        [{ DISK_GB: 15 }, 409, 'would violate inventory constraints'],
        [{ DISK_GB: 60 }, 409, 'would violate inventory constraints'],
        [{ PCI_DEVICE: 1 }, 409, "Inventory for 'PCI_DEVICE'"],
        [{ CUSTOM_NOPE: 1 }, 400, 'No such resource class CUSTOM_NOPE'],
        [{ VCPU: 0 }, 400, 'less than the minimum of 1'],
        [{ VCPU: 1 }, 400, 'that does not exist', 'd0000000-0000-4000-8000-000000000000'],
      ];
      for (const [resources, status, detail, rp] of rows) {
        const res = await put(resources, rp);
        expect(res.statusCode, JSON.stringify(resources)).toBe(status);
        expect(res.json().errors[0].detail).toContain(detail);
      }
      expect((await call('GET', `/allocations/${consumer(3)}`)).json()).toEqual({ allocations: {} });
      expect((await put({ VCPU: 4, MEMORY_MB: 1536, DISK_GB: 50 })).statusCode).toBe(204);
      expect(await usages(host)).toEqual({ VCPU: 8, MEMORY_MB: 1536, DISK_GB: 50 });
      // As in Placement, an inventory may shrink below its usage; only new claims are refused.
      const vcpu = (total: number) =>
        call('GET', `/resource_providers/${host}`).then((rp) =>
          call('PUT', `/resource_providers/${host}/inventories/VCPU`, {
            resource_provider_generation: rp.json().generation,
            total,
            allocation_ratio: 2,
          }),
        );
      const shrunk = await vcpu(3);
      expect(shrunk.statusCode, shrunk.body).toBe(200);
      expect(await usages(host)).toEqual({ VCPU: 8, MEMORY_MB: 1536, DISK_GB: 50 });
      const overCapacity = await call(
        'POST',
        '/allocations',
        {
          [consumer(4)]: {
            allocations: { [host]: { resources: { VCPU: 1 } } },
            project_id: 'proj-a',
            user_id: 'user-a',
            consumer_generation: null,
          },
        },
        '1.28',
      );
      expect(overCapacity.statusCode).toBe(409);
      expect((await vcpu(4)).statusCode).toBe(200);
      const delInUse = await call('DELETE', `/resource_providers/${host}/inventories/DISK_GB`);
      expect(delInUse.json().errors[0].code).toBe('placement.inventory.inuse');
      const rpInUse = await call('DELETE', `/resource_providers/${host}`);
      expect(rpInUse.json().errors[0].code).toBe('placement.resource_provider.inuse');
      expect((await call('DELETE', `/allocations/${consumer(3)}`)).statusCode).toBe(204);
      expect((await call('DELETE', `/allocations/${consumer(3)}`)).statusCode).toBe(404);
    });

    it('writes several consumers atomically with POST /allocations', async () => {
      const set = (vcpu: number, gen: number | null = null) => ({
        allocations: { [other]: { resources: { VCPU: vcpu } } },
        project_id: 'proj-b',
        user_id: 'user-b',
        consumer_generation: gen,
      });
      const tooMuch = await call(
        'POST',
        '/allocations',
        { [consumer(4)]: set(1), [consumer(5)]: set(2) },
        '1.37',
      );
      expect(tooMuch.statusCode).toBe(409);
      expect(await usages(other)).toEqual({ VCPU: 0 });
      const both = await call(
        'POST',
        '/allocations',
        { [consumer(4)]: set(1), [consumer(5)]: set(1) },
        '1.37',
      );
      expect(both.statusCode).toBe(204);
      expect(await usages(other)).toEqual({ VCPU: 2 });
      const moved = await call(
        'POST',
        '/allocations',
        {
          [consumer(4)]: { ...set(0, 1), allocations: {} },
          [consumer(5)]: set(2, 1),
        },
        '1.37',
      );
      expect(moved.statusCode).toBe(204);
      const byProvider = await call('GET', `/resource_providers/${other}/allocations`);
      expect(byProvider.json()).toEqual({
        allocations: { [consumer(5)]: { resources: { VCPU: 2 }, consumer_generation: 2 } },
        resource_provider_generation: byProvider.json().resource_provider_generation,
      });
      expect((await call('POST', '/allocations', { [consumer(6)]: set(1) }, '1.12')).statusCode).toBe(404);
    });

    it('reports usages per project, and per consumer type from 1.38', async () => {
      const put = (n: number, type: string, project: string) =>
        call('PUT', `/allocations/${consumer(n)}`, {
          allocations: { [host]: { resources: { MEMORY_MB: 100 } } },
          project_id: project,
          user_id: 'user-u',
          consumer_generation: null,
          consumer_type: type,
        });
      expect((await put(7, 'INSTANCE', 'proj-u')).statusCode).toBe(204);
      expect((await put(8, 'MIGRATION', 'proj-u')).statusCode).toBe(204);
      expect((await put(9, 'INSTANCE', 'proj-v')).statusCode).toBe(204);
      const noType = await call('PUT', `/allocations/${consumer(10)}`, {
        allocations: { [host]: { resources: { MEMORY_MB: 100 } } },
        project_id: 'proj-u',
        user_id: 'user-u',
        consumer_generation: null,
      });
      expect(noType.statusCode).toBe(400);
      expect((await call('GET', '/usages?project_id=proj-u', undefined, '1.9')).json()).toEqual({
        usages: { MEMORY_MB: 200 },
      });
      expect((await call('GET', '/usages?project_id=proj-u')).json()).toEqual({
        usages: {
          INSTANCE: { MEMORY_MB: 100, consumer_count: 1 },
          MIGRATION: { MEMORY_MB: 100, consumer_count: 1 },
        },
      });
      expect((await call('GET', '/usages?project_id=proj-u&consumer_type=all')).json()).toEqual({
        usages: { all: { MEMORY_MB: 200, consumer_count: 2 } },
      });
      expect((await call('GET', '/usages?project_id=proj-u&user_id=nobody')).json()).toEqual({ usages: {} });
      expect((await call('GET', '/usages')).statusCode).toBe(400);
      expect((await call('GET', `/allocations/${consumer(8)}`)).json().consumer_type).toBe('MIGRATION');
    });

    it('reshapes inventories and allocations in one step (1.30)', async () => {
      const root = await makeProvider(call, 'reshape-root', { VCPU: { total: 4 } });
      const child = await makeProvider(call, 'reshape-child', {}, root);
      await call(
        'PUT',
        `/allocations/${consumer(11)}`,
        {
          allocations: { [root]: { resources: { VCPU: 3 } } },
          project_id: 'p',
          user_id: 'u',
          consumer_generation: null,
        },
        '1.28',
      );
      const gens = async () => [
        (await call('GET', `/resource_providers/${root}`)).json().generation as number,
        (await call('GET', `/resource_providers/${child}`)).json().generation as number,
      ];
      const [rootGen, childGen] = await gens();
      const reshape = (vcpu: number) => ({
        inventories: {
          [root]: { resource_provider_generation: rootGen, inventories: {} },
          [child]: { resource_provider_generation: childGen, inventories: { VCPU: { total: 4 } } },
        },
        allocations: {
          [consumer(11)]: {
            allocations: { [child]: { resources: { VCPU: vcpu } } },
            project_id: 'p',
            user_id: 'u',
            consumer_generation: 1,
          },
        },
      });
      const tooMuch = await call('POST', '/reshaper', reshape(5), '1.30');
      expect(tooMuch.statusCode).toBe(409);
      expect(await usages(root)).toEqual({ VCPU: 3 });
      expect((await call('POST', '/reshaper', reshape(3), '1.30')).statusCode).toBe(204);
      expect(await usages(root)).toEqual({});
      expect(await usages(child)).toEqual({ VCPU: 3 });
      expect((await call('POST', '/reshaper', reshape(3), '1.30')).statusCode).toBe(409);
      expect((await call('POST', '/reshaper', reshape(3), '1.29')).statusCode).toBe(404);
    });
  });
}
