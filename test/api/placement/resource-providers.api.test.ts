import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { PlacementCaller } from './placement-calls.js';
import { makeProvider, placementCaller } from './placement-calls.js';

const uuids = (res: { json(): unknown }) =>
  (res.json() as { resource_providers: Array<{ uuid: string }> }).resource_providers
    .map((p) => p.uuid)
    .sort();

for (const dialect of testDialects()) {
  describe(`${dialect}: placement resource providers API`, () => {
    let t: TestCloud;
    let admin = '';
    let call: PlacementCaller;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      call = placementCaller(t, () => admin);
    });
    afterAll(async () => t?.close());

    it('creates with 201 and no body before 1.20, 200 with the provider from 1.20', async () => {
      const old = await call('POST', '/resource_providers', { name: 'old-style' }, '1.19');
      expect(old.statusCode).toBe(201);
      expect(old.body).toBe('');
      expect(old.headers['location']).toMatch(/\/placement\/resource_providers\/[0-9a-f-]{36}$/);
      const uuid = 'B1F1E1D1-0000-4000-8000-000000000001';
      const res = await call('POST', '/resource_providers', { name: 'new-style', uuid }, '1.20');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        uuid: uuid.toLowerCase(),
        name: 'new-style',
        generation: 0,
        parent_provider_uuid: null,
        root_provider_uuid: uuid.toLowerCase(),
      });
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['last-modified']).toBeDefined();
      const v10 = await call('GET', `/resource_providers/${uuid.toLowerCase()}`, undefined, '1.0');
      expect(Object.keys(v10.json()).sort()).toEqual(['generation', 'links', 'name', 'uuid']);
      expect(v10.json().links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'inventories', 'usages']);
      expect(v10.headers['cache-control']).toBeUndefined();
    });

    it('refuses duplicate names and uuids with placement.duplicate_name', async () => {
      const first = await call('POST', '/resource_providers', { name: 'dup' });
      const byName = await call('POST', '/resource_providers', { name: 'dup' });
      expect(byName.statusCode).toBe(409);
      expect(byName.json().errors[0]).toMatchObject({
        code: 'placement.duplicate_name',
        detail: 'Conflicting resource provider name: dup already exists.',
      });
      const byUuid = await call('POST', '/resource_providers', { name: 'other', uuid: first.json().uuid });
      expect(byUuid.json().errors[0].code).toBe('placement.duplicate_name');
      expect(uuids(await call('GET', '/resource_providers?name=other'))).toEqual([]);
    });

    it('renames, builds trees, and re-parents only from 1.37', async () => {
      const root = await makeProvider(call, 'tree-root');
      const child = await makeProvider(call, 'tree-child', {}, root);
      const leaf = await makeProvider(call, 'tree-leaf', {}, child);
      const shown = (await call('GET', `/resource_providers/${leaf}`)).json();
      expect(shown).toMatchObject({ parent_provider_uuid: child, root_provider_uuid: root });
      expect(uuids(await call('GET', `/resource_providers?in_tree=${leaf}`))).toEqual(
        [root, child, leaf].sort(),
      );
      const other = await makeProvider(call, 'tree-other');
      const body = { name: 'tree-child', parent_provider_uuid: other };
      const refused = await call('PUT', `/resource_providers/${child}`, body, '1.36');
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors[0].detail).toContain('re-parenting a provider is not currently allowed');
      const loop = await call('PUT', `/resource_providers/${child}`, {
        name: 'tree-child',
        parent_provider_uuid: leaf,
      });
      expect(loop.json().errors[0].detail).toContain('creating loop');
      const moved = await call('PUT', `/resource_providers/${child}`, body, '1.37');
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ parent_provider_uuid: other, root_provider_uuid: other });
      expect((await call('GET', `/resource_providers/${leaf}`)).json().root_provider_uuid).toBe(other);
      const renamed = await call('PUT', `/resource_providers/${root}`, { name: 'tree-root-2' });
      expect(renamed.json().name).toBe('tree-root-2');
      const parentDelete = await call('DELETE', `/resource_providers/${child}`);
      expect(parentDelete.statusCode).toBe(409);
      expect(parentDelete.json().errors[0].code).toBe('placement.resource_provider.cannot_delete_parent');
      expect((await call('DELETE', `/resource_providers/${leaf}`)).statusCode).toBe(204);
      expect((await call('DELETE', `/resource_providers/${leaf}`)).statusCode).toBe(404);
    });

    it('manages inventories with generations, defaults and limits', async () => {
      const rp = await makeProvider(call, 'inv-host');
      const base = `/resource_providers/${rp}/inventories`;
      const put = await call('PUT', base, {
        resource_provider_generation: 0,
        inventories: { VCPU: { total: 8, allocation_ratio: 2 }, MEMORY_MB: { total: 4096, reserved: 512 } },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({
        resource_provider_generation: 1,
        inventories: {
          MEMORY_MB: {
            total: 4096,
            reserved: 512,
            min_unit: 1,
            max_unit: 2147483647,
            step_size: 1,
            allocation_ratio: 1,
          },
          VCPU: {
            total: 8,
            reserved: 0,
            min_unit: 1,
            max_unit: 2147483647,
            step_size: 1,
            allocation_ratio: 2,
          },
        },
      });
      const stale = await call('PUT', base, { resource_provider_generation: 0, inventories: {} });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().errors[0].code).toBe('placement.concurrent_update');
      const created = await call('POST', base, { resource_class: 'DISK_GB', total: 100, step_size: 10 });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ total: 100, step_size: 10, resource_provider_generation: 2 });
      expect((await call('POST', base, { resource_class: 'DISK_GB', total: 1 })).statusCode).toBe(409);
      const one = await call('PUT', `${base}/DISK_GB`, { resource_provider_generation: 2, total: 200 });
      expect(one.json()).toMatchObject({ total: 200, step_size: 1, resource_provider_generation: 3 });
      expect((await call('GET', `${base}/DISK_GB`)).json().total).toBe(200);
      expect((await call('GET', `${base}/PCI_DEVICE`)).statusCode).toBe(404);
      expect((await call('DELETE', `${base}/DISK_GB`)).statusCode).toBe(204);
      expect(Object.keys((await call('GET', base)).json().inventories).sort()).toEqual(['MEMORY_MB', 'VCPU']);
      expect((await call('DELETE', base, undefined, '1.4')).statusCode).toBe(404);
      expect((await call('DELETE', base, undefined, '1.5')).statusCode).toBe(204);
      expect((await call('GET', base)).json()).toEqual({ inventories: {}, resource_provider_generation: 5 });
    });

    const invalid = [
      {
        name: 'total below 1',
        inv: { VCPU: { total: 0 } },
        version: 'latest',
        detail: 'is less than the minimum of 1',
      },
      {
        name: 'unknown class',
        inv: { CUSTOM_NOPE: { total: 1 } },
        version: 'latest',
        detail: 'Unknown resource class',
      },
      {
        name: 'reserved over total',
        inv: { VCPU: { total: 2, reserved: 3 } },
        version: 'latest',
        detail: 'reserved value',
      },
      {
        name: 'reserved == total before 1.26',
        inv: { VCPU: { total: 2, reserved: 2 } },
        version: '1.25',
        detail: 'reserved',
      },
      {
        name: 'min_unit over max_unit',
        inv: { VCPU: { total: 8, min_unit: 4, max_unit: 2 } },
        version: 'latest',
        detail: 'min_unit',
      },
    ];
    for (const row of invalid) {
      it(`refuses an inventory with ${row.name} (400)`, async () => {
        const rp = await makeProvider(call, `bad-${row.name}`);
        const res = await call(
          'PUT',
          `/resource_providers/${rp}/inventories`,
          { resource_provider_generation: 0, inventories: row.inv },
          row.version,
        );
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].detail).toContain(row.detail);
      });
    }

    it('accepts reserved == total from 1.26', async () => {
      const rp = await makeProvider(call, 'fully-reserved');
      const res = await call('PUT', `/resource_providers/${rp}/inventories`, {
        resource_provider_generation: 0,
        inventories: { VCPU: { total: 2, reserved: 2 } },
      });
      expect(res.statusCode).toBe(200);
    });

    it('manages provider traits and aggregates with generations', async () => {
      await call('PUT', '/traits/CUSTOM_GOLD');
      const rp = await makeProvider(call, 'tagged');
      const traits = await call('PUT', `/resource_providers/${rp}/traits`, {
        traits: ['HW_CPU_X86_AVX2', 'CUSTOM_GOLD'],
        resource_provider_generation: 0,
      });
      expect(traits.json()).toEqual({
        traits: ['CUSTOM_GOLD', 'HW_CPU_X86_AVX2'],
        resource_provider_generation: 1,
      });
      const stale = await call('PUT', `/resource_providers/${rp}/traits`, {
        traits: [],
        resource_provider_generation: 0,
      });
      expect(stale.json().errors[0].code).toBe('placement.concurrent_update');
      const unknown = await call('PUT', `/resource_providers/${rp}/traits`, {
        traits: ['CUSTOM_NOPE'],
        resource_provider_generation: 1,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].detail).toBe('No such trait(s): CUSTOM_NOPE');
      const agg = 'a0000000-0000-4000-8000-00000000000a';
      const old = await call('PUT', `/resource_providers/${rp}/aggregates`, [agg], '1.18');
      expect(old.json()).toEqual({ aggregates: [agg] });
      const aggStale = await call('PUT', `/resource_providers/${rp}/aggregates`, {
        aggregates: [],
        resource_provider_generation: 0,
      });
      expect(aggStale.statusCode).toBe(409);
      const now = await call('GET', `/resource_providers/${rp}/aggregates`);
      expect(now.json()).toEqual({ aggregates: [agg], resource_provider_generation: 2 });
      const inUse = await call('DELETE', '/traits/CUSTOM_GOLD');
      expect(inUse.statusCode).toBe(409);
      expect((await call('DELETE', `/resource_providers/${rp}/traits`)).statusCode).toBe(204);
      expect((await call('DELETE', '/traits/CUSTOM_GOLD')).statusCode).toBe(204);
    });

    it('filters providers by name, uuid, member_of, required and resources', async () => {
      await call('PUT', '/traits/CUSTOM_FAST');
      const [a, b, c] = [
        await makeProvider(call, 'filter-a', { VCPU: { total: 4 } }),
        await makeProvider(call, 'filter-b', { VCPU: { total: 16 } }),
        await makeProvider(call, 'filter-c', { VCPU: { total: 16 }, MEMORY_MB: { total: 1024 } }),
      ];
      const [g1, g2] = ['a0000000-0000-4000-8000-0000000000f1', 'a0000000-0000-4000-8000-0000000000f2'];
      await call('PUT', `/resource_providers/${a}/aggregates`, {
        aggregates: [g1],
        resource_provider_generation: 1,
      });
      await call('PUT', `/resource_providers/${b}/aggregates`, {
        aggregates: [g1, g2],
        resource_provider_generation: 1,
      });
      await call('PUT', `/resource_providers/${b}/traits`, {
        traits: ['CUSTOM_FAST'],
        resource_provider_generation: 2,
      });
      const cases: Array<[string, string[], string?]> = [
        ['name=filter-c', [c]],
        [`uuid=${a}`, [a]],
        [`member_of=${g1}`, [a, b]],
        [`member_of=in:${g2},${g1}`, [a, b]],
        [`member_of=${g1}&member_of=${g2}`, [b]],
        [`member_of=!${g2}&resources=VCPU:1`, [a, c]],
        ['required=CUSTOM_FAST', [b]],
        ['required=!CUSTOM_FAST&resources=VCPU:8', [c]],
        ['resources=VCPU:8,MEMORY_MB:512', [c]],
        ['required=in:CUSTOM_FAST,HW_CPU_X86_AVX2', [b]],
      ];
      for (const [q, want] of cases) {
        const res = await call('GET', `/resource_providers?${q}`);
        expect(res.statusCode, q).toBe(200);
        // Other suites' providers (and the embedded agent's host) may match too; judge ours.
        expect(
          uuids(res).filter((u) => [a, b, c].includes(u)),
          q,
        ).toEqual(want.sort());
      }
      const errors: Array<[string, string, string?]> = [
        ['resources=VCPU', 'Badly formed resources parameter'],
        ['resources=CUSTOM_NOPE:1', 'Invalid resource class in resources parameter'],
        ['required=CUSTOM_NOPE', 'No such trait(s): CUSTOM_NOPE'],
        ['member_of=not-a-uuid', "Expected 'member_of' parameter to contain valid UUID(s)"],
        ['required=!CUSTOM_FAST', 'No such trait(s): !CUSTOM_FAST', '1.21'],
        ['in_tree=x', "is not a 'uuid'"],
      ];
      for (const [q, detail, version] of errors) {
        const res = await call('GET', `/resource_providers?${q}`, undefined, version);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().errors[0].detail, q).toContain(detail);
      }
    });
  });
}
