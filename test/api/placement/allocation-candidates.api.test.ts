import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { PlacementCaller } from './placement-calls.js';
import { makeProvider, placementCaller } from './placement-calls.js';

interface Candidates {
  allocation_requests: Array<{
    allocations: Record<string, { resources: Record<string, number> }>;
    mappings?: unknown;
  }>;
  provider_summaries: Record<string, { resources: Record<string, unknown>; traits?: string[] }>;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: placement allocation candidates API`, () => {
    let t: TestCloud;
    let admin = '';
    let call: PlacementCaller;
    let cn1 = '';
    let pf1 = '';
    let pf2 = '';
    let cn2 = '';
    const g1 = 'a0000000-0000-4000-8000-0000000000c1';
    const get = async (q: string, version = 'latest') => {
      const res = await call('GET', `/allocation_candidates?${q}`, undefined, version);
      expect(res.statusCode, `${q} ${res.body}`).toBe(200);
      return res.json() as Candidates;
    };
    /** Each candidate on this suite's providers (the embedded agent adds a host) as "name:CLASS=n" lists. */
    const shapes = (c: Candidates) => {
      const names: Record<string, string> = { [cn1]: 'cn1', [pf1]: 'pf1', [pf2]: 'pf2', [cn2]: 'cn2' };
      return c.allocation_requests
        .filter((r) => Object.keys(r.allocations).every((uuid) => names[uuid] !== undefined))
        .map((r) =>
          Object.entries(r.allocations)
            .flatMap(([uuid, a]) => Object.entries(a.resources).map(([rc, n]) => `${names[uuid]}:${rc}=${n}`))
            .sort()
            .join(' '),
        )
        .sort();
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      call = placementCaller(t, () => admin);
      await call('PUT', '/traits/CUSTOM_PHYSNET_A');
      await call('PUT', '/traits/CUSTOM_PHYSNET_B');
      cn1 = await makeProvider(call, 'cn1', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } });
      pf1 = await makeProvider(call, 'cn1-pf1', { SRIOV_NET_VF: { total: 4 } }, cn1);
      pf2 = await makeProvider(call, 'cn1-pf2', { SRIOV_NET_VF: { total: 4 } }, cn1);
      cn2 = await makeProvider(call, 'cn2', {
        VCPU: { total: 2 },
        MEMORY_MB: { total: 1024 },
        DISK_GB: { total: 100 },
      });
      const traits = async (rp: string, list: string[]) =>
        call('PUT', `/resource_providers/${rp}/traits`, { traits: list, resource_provider_generation: 1 });
      await traits(cn1, ['HW_CPU_X86_AVX2']);
      await traits(pf1, ['CUSTOM_PHYSNET_A']);
      await traits(pf2, ['CUSTOM_PHYSNET_B']);
      await call('PUT', `/resource_providers/${cn1}/aggregates`, {
        aggregates: [g1],
        resource_provider_generation: 2,
      });
    });
    afterAll(async () => t?.close());

    const flat: Array<[string, string, string[]]> = [
      [
        'resources=VCPU:1,MEMORY_MB:512',
        '1.28',
        ['cn1:MEMORY_MB=512 cn1:VCPU=1', 'cn2:MEMORY_MB=512 cn2:VCPU=1'],
      ],
      ['resources=VCPU:4', '1.28', ['cn1:VCPU=4']],
      ['resources=VCPU:1&required=HW_CPU_X86_AVX2', '1.17', ['cn1:VCPU=1']],
      ['resources=VCPU:1&required=!HW_CPU_X86_AVX2', '1.22', ['cn2:VCPU=1']],
      [`resources=VCPU:1&member_of=${g1}`, '1.21', ['cn1:VCPU=1']],
      [`resources=VCPU:1&member_of=!${g1}`, '1.32', ['cn2:VCPU=1']],
      ['resources=VCPU:1&root_required=!HW_CPU_X86_AVX2', '1.35', ['cn2:VCPU=1']],
      ['resources=VCPU:1,SRIOV_NET_VF:1', '1.28', []],
      [
        'resources=VCPU:1,SRIOV_NET_VF:1',
        '1.29',
        ['cn1:VCPU=1 pf1:SRIOV_NET_VF=1', 'cn1:VCPU=1 pf2:SRIOV_NET_VF=1'],
      ],
      ['resources=SRIOV_NET_VF:1&required=CUSTOM_PHYSNET_B', '1.29', ['pf2:SRIOV_NET_VF=1']],
      ['resources=VCPU:1&required=in:CUSTOM_PHYSNET_B,HW_CPU_X86_AVX2', '1.39', ['cn1:VCPU=1']],
      [`resources=VCPU:1&in_tree=${'CN2'}`, '1.31', ['cn2:VCPU=1']],
    ];
    for (const [q, version, want] of flat) {
      it(`answers ${q} at ${version}`, async () => {
        const query = q.replace('CN2', cn2);
        expect(shapes(await get(query, version))).toEqual(want);
      });
    }

    it('limits the number of candidates (1.16)', async () => {
      expect((await get('resources=VCPU:1&limit=1', '1.16')).allocation_requests).toHaveLength(1);
      expect((await get('resources=VCPU:1&limit=2', '1.16')).allocation_requests).toHaveLength(2);
    });

    it('shapes the answer by microversion', async () => {
      const v110 = await get('resources=DISK_GB:10', '1.10');
      expect(v110.allocation_requests).toContainEqual({
        allocations: [{ resource_provider: { uuid: cn2 }, resources: { DISK_GB: 10 } }],
      });
      expect(v110.provider_summaries[cn2]).toEqual({ resources: { DISK_GB: { capacity: 100, used: 0 } } });
      const v126 = await get('resources=DISK_GB:10', '1.26');
      expect(Object.keys(v126.provider_summaries[cn2]!.resources)).toEqual(['DISK_GB']);
      expect(v126.provider_summaries[cn2]!.traits).toEqual([]);
      const v129 = await get('resources=VCPU:1,SRIOV_NET_VF:1', '1.29');
      expect(Object.keys(v129.provider_summaries).sort()).toEqual([cn1, pf1, pf2].sort());
      expect(v129.allocation_requests).toHaveLength(2);
      expect(v129.provider_summaries[pf1]).toMatchObject({
        parent_provider_uuid: cn1,
        root_provider_uuid: cn1,
      });
      expect(v129.allocation_requests[0]!.mappings).toBeUndefined();
    });

    it('serves granular groups with isolation and mappings (1.33, 1.34)', async () => {
      const q =
        'resources=VCPU:1&resources_NET1=SRIOV_NET_VF:1&required_NET1=CUSTOM_PHYSNET_A' +
        '&resources_NET2=SRIOV_NET_VF:1&required_NET2=CUSTOM_PHYSNET_B&group_policy=isolate';
      const res = await get(q, '1.34');
      expect(shapes(res)).toEqual(['cn1:VCPU=1 pf1:SRIOV_NET_VF=1 pf2:SRIOV_NET_VF=1']);
      expect(res.allocation_requests[0]!.mappings).toEqual({ '': [cn1], _NET1: [pf1], _NET2: [pf2] });
      const same = 'resources1=SRIOV_NET_VF:1&resources2=SRIOV_NET_VF:1';
      expect(shapes(await get(`${same}&group_policy=none`, '1.29'))).toEqual([
        'pf1:SRIOV_NET_VF=1 pf2:SRIOV_NET_VF=1',
        'pf1:SRIOV_NET_VF=2',
        'pf2:SRIOV_NET_VF=2',
      ]);
      expect(shapes(await get(`${same}&group_policy=isolate`, '1.29'))).toEqual([
        'pf1:SRIOV_NET_VF=1 pf2:SRIOV_NET_VF=1',
      ]);
      // From 1.34 the two ways round differ in their mappings, so both are listed.
      expect(shapes(await get(`${same}&group_policy=isolate`, '1.34'))).toHaveLength(2);
      const missing = await call('GET', `/allocation_candidates?${same}`, undefined, '1.29');
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors[0].detail).toContain('"group_policy" parameter is required');
    });

    it('keeps same_subtree groups under one provider, with resourceless groups (1.36)', async () => {
      const base = 'resources_A=SRIOV_NET_VF:1&required_A=CUSTOM_PHYSNET_A&group_policy=none';
      const apart = await get(`${base}&required_B=CUSTOM_PHYSNET_B&same_subtree=_A,_B`, '1.36');
      expect(apart.allocation_requests).toEqual([]);
      const under = await get(`${base}&required_ROOT=HW_CPU_X86_AVX2&same_subtree=_A,_ROOT`, '1.36');
      expect(shapes(under)).toEqual(['pf1:SRIOV_NET_VF=1']);
      expect(under.allocation_requests[0]!.mappings).toEqual({ _A: [pf1], _ROOT: [cn1] });
    });

    it('leaves out providers that are full', async () => {
      const put = await call(
        'PUT',
        '/allocations/e0000000-0000-4000-8000-000000000001',
        {
          allocations: { [cn2]: { resources: { VCPU: 2 } } },
          project_id: 'p',
          user_id: 'u',
          consumer_generation: null,
        },
        '1.28',
      );
      expect(put.statusCode).toBe(204);
      expect(shapes(await get('resources=VCPU:1', '1.28'))).toEqual(['cn1:VCPU=1']);
      const summary = (await get('resources=VCPU:1,MEMORY_MB:1', '1.28')).provider_summaries[cn1]!;
      expect(summary.resources).toEqual({
        VCPU: { capacity: 8, used: 0 },
        MEMORY_MB: { capacity: 4096, used: 0 },
      });
    });

    const invalid: Array<[string, string, string]> = [
      ['resources=VCPU:1', '1.9', ''],
      ['required=HW_CPU_X86_AVX2', '1.24', "'resources' is a required property"],
      ['limit=1', '1.25', 'At least one request group'],
      ['resources=VCPU:1&required=CUSTOM_NOPE', '1.17', 'No such trait(s): CUSTOM_NOPE'],
      ['resources=CUSTOM_NOPE:1', '1.10', 'No such resource class CUSTOM_NOPE'],
      ['resources=VCPU:one', '1.10', 'expected positive integer amount'],
      ['resources=VCPU:1&required1=HW_CPU_X86_AVX2', '1.25', 'orphaned traits keys: required1'],
      ['resources=VCPU:1&limit=0', '1.16', 'does not match'],
      ['resources_X=VCPU:1', '1.32', "'resources_X' was unexpected"],
    ];
    for (const [q, version, detail] of invalid) {
      it(`refuses ${q} at ${version}`, async () => {
        const res = await call('GET', `/allocation_candidates?${q}`, undefined, version);
        expect(res.statusCode).toBe(version === '1.9' ? 404 : 400);
        expect(res.json().errors[0].detail).toContain(detail);
      });
    }
  });
}
