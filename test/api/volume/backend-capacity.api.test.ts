import { statfsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { VolumeService } from '../../../src/volume/index.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';
import type { PlacementCaller } from '../placement/placement-calls.js';
import { placementCaller } from '../placement/placement-calls.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';
const ratio = 2;
const reservedPercentage = 10;

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: the volume backend as a placement sharing provider`, () => {
    let t: TestCloud;
    let p: Personas;
    let place: PlacementCaller;
    let rp = '';
    let total = 0;
    const vol = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, token: string, payload?: object) =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        token,
        ...(payload !== undefined && { payload }),
      });
    const placement = async (path: string): Promise<Json> => {
      const res = await place('GET', path);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Json;
    };
    const usage = async () =>
      ((await placement(`/resource_providers/${rp}/usages`))['usages'] as Json)['DISK_GB'];
    /** A consumer's allocations without the providers' generations. */
    const claimOf = async (id: string) =>
      Object.fromEntries(
        Object.entries((await placement(`/allocations/${id}`))['allocations'] as Record<string, Json>).map(
          ([uuid, a]) => [uuid, { resources: a['resources'] }],
        ),
      );
    const sync = () => (t.cloud.services.find((s) => s.name === 'volume') as VolumeService).syncBackend();

    async function waitForVolume(id: string, status: string): Promise<Json> {
      const until = Date.now() + 15_000;
      for (;;) {
        const res = await vol('GET', `/volumes/${id}`, p.member);
        if (status === 'gone' && res.statusCode === 404) return {};
        const v = res.statusCode === 200 ? (res.json().volume as Json) : {};
        if (v['status'] === status) return v;
        if (Date.now() > until) throw new Error(`volume ${id} never ${status}: ${res.body}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    async function create(size: number): Promise<string> {
      const res = await vol('POST', '/volumes', p.member, { volume: { size } });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().volume.id as string;
      await waitForVolume(id, 'available');
      return id;
    }
    const ids = async () =>
      ((await vol('GET', '/volumes', p.member)).json().volumes as Json[]).map((v) => v['id']).sort();

    beforeAll(async () => {
      t = await startTestCloud(dialect, {
        fakeHosts: 1,
        volumeMaxOverSubscriptionRatio: ratio,
        volumeReservedPercentage: reservedPercentage,
      });
      p = await createPersonas(t);
      place = placementCaller(t, () => p.admin);
      await sync();
      const fs = statfsSync(t.cloud.compute.deps.config.dataDir);
      total = Math.floor((fs.blocks * fs.bsize) / 1024 ** 3);
      // Capacity is the limit here, not quota.
      const q = { quota_set: { gigabytes: -1, volumes: -1 } };
      expect((await vol('PUT', `/os-quota-sets/${p.projectId}`, p.admin, q)).statusCode).toBe(200);
    });
    afterAll(async () => t?.close());

    it('registers the pool with DISK_GB at the configured ratio, the sharing trait and an aggregate the hosts join', async () => {
      const list = (await placement('/resource_providers?required=MISC_SHARES_VIA_AGGREGATE'))[
        'resource_providers'
      ] as Json[];
      expect(list.map((x) => x['name'])).toEqual([`${t.cloud.compute.deps.config.volumeHost}@file#file`]);
      rp = String(list[0]!['uuid']);
      const inv = (await placement(`/resource_providers/${rp}/inventories`))['inventories'] as Json;
      expect(inv).toEqual({
        DISK_GB: {
          total,
          reserved: Math.ceil((total * reservedPercentage) / 100),
          min_unit: 1,
          max_unit: 2147483647,
          step_size: 1,
          allocation_ratio: ratio,
        },
      });
      expect((await placement(`/resource_providers/${rp}/traits`))['traits']).toEqual([
        'MISC_SHARES_VIA_AGGREGATE',
      ]);
      expect((await placement(`/resource_providers/${rp}/aggregates`))['aggregates']).toEqual([rp]);
      const hosts = (await t.cloud.store.db.selectFrom('compute_hosts').select('provider_id').execute()).map(
        (h) => h.provider_id,
      );
      expect(hosts.length).toBeGreaterThan(0);
      for (const h of hosts)
        expect((await placement(`/resource_providers/${h}/aggregates`))['aggregates']).toContain(rp);
      const candidates = await placement('/allocation_candidates?resources=DISK_GB:5');
      const requests = candidates['allocation_requests'] as Array<{ allocations: Json }>;
      expect(requests.some((r) => Object.keys(r.allocations).join() === rp)).toBe(true);
      // Registration is idempotent: a second pass changes nothing.
      const before = (await placement(`/resource_providers/${rp}`))['generation'];
      await sync();
      expect((await placement(`/resource_providers/${rp}`))['generation']).toBe(before);
      // The ratio is configuration (Cinder's): one set through the API is put back.
      const url = `/resource_providers/${rp}/inventories/DISK_GB`;
      const disk = (await placement(url)) as Json;
      expect((await place('PUT', url, { ...disk, allocation_ratio: 5 })).statusCode).toBe(200);
      await sync();
      expect(await placement(url)).toMatchObject({ allocation_ratio: ratio, total });
    });

    it('claims each volume at its size: create, extend and delete move the usage', async () => {
      const start = Number(await usage());
      const id = await create(2);
      expect(await claimOf(id)).toEqual({ [rp]: { resources: { DISK_GB: 2 } } });
      expect(await usage()).toBe(start + 2);
      const ext = await vol('POST', `/volumes/${id}/action`, p.member, { 'os-extend': { new_size: 3 } });
      expect(ext.statusCode, ext.body).toBe(202);
      await waitForVolume(id, 'available');
      expect(await claimOf(id)).toEqual({ [rp]: { resources: { DISK_GB: 3 } } });
      expect(await usage()).toBe(start + 3);
      expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
      expect(await claimOf(id)).toEqual({});
      expect(await usage()).toBe(start);
    });

    it('over-subscribes up to the ratio and refuses past it with nothing changed', async () => {
      const capacity = Math.floor((total - Math.ceil((total * reservedPercentage) / 100)) * ratio);
      const start = Number(await usage());
      // Beyond the pool's size, but within the ratio: thin volumes may over-subscribe.
      const big = await create(total + 1);
      expect(await usage()).toBe(start + total + 1);
      const free = capacity - start - (total + 1);
      const before = await ids();
      const refused = await vol('POST', '/volumes', p.member, { volume: { size: free + 1 } });
      expectFault(
        refused,
        400,
        `No valid backend was found. Insufficient free space for volume creation (requested: ${free + 1} GB).`,
      );
      expect(refused.json()).toHaveProperty('badRequest');
      expect(await ids()).toEqual(before);
      expect(await usage()).toBe(start + total + 1);
      const ext = await vol('POST', `/volumes/${big}/action`, p.member, {
        'os-extend': { new_size: total + 2 + free },
      });
      expectFault(
        ext,
        400,
        `No valid backend was found. Insufficient free space for volume extension (requested: ${total + 2 + free} GB).`,
      );
      const after = (await vol('GET', `/volumes/${big}`, p.member)).json().volume as Json;
      expect(after).toMatchObject({ status: 'available', size: total + 1 });
      expect(await claimOf(big)).toEqual({ [rp]: { resources: { DISK_GB: total + 1 } } });
      // What is left still fits exactly.
      const last = await create(free);
      expect(await usage()).toBe(capacity);
      for (const id of [big, last]) {
        expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
        await waitForVolume(id, 'gone');
      }
      expect(await usage()).toBe(start);
    });

    it('moves the claim to the accepting project on a transfer', async () => {
      const id = await create(1);
      const tx = await vol('POST', '/os-volume-transfer', p.member, { transfer: { volume_id: id } });
      expect(tx.statusCode, tx.body).toBe(202);
      const { id: transfer, auth_key } = tx.json().transfer as { id: string; auth_key: string };
      const accepted = await t.request({
        method: 'POST',
        url: `/volume/v3/${p.otherProjectId}/os-volume-transfer/${transfer}/accept`,
        token: p.other,
        payload: { accept: { auth_key } },
      });
      expect(accepted.statusCode, accepted.body).toBe(202);
      const claim = await placement(`/allocations/${id}`);
      expect(claim).toMatchObject({ project_id: p.otherProjectId, user_id: p.otherUserId });
      expect(await claimOf(id)).toEqual({ [rp]: { resources: { DISK_GB: 1 } } });
      const del = await t.request({
        method: 'DELETE',
        url: `/volume/v3/${p.otherProjectId}/volumes/${id}`,
        token: p.other,
      });
      expect(del.statusCode, del.body).toBe(202);
      for (let i = 0; Object.keys(await claimOf(id)).length > 0; i++) {
        if (i > 300) throw new Error('the transferred volume kept its claim');
        await new Promise((r) => setTimeout(r, 50));
      }
    });

    it('never over-subscribes past the ratio under concurrent creates', async () => {
      const capacity = Math.floor((total - Math.ceil((total * reservedPercentage) / 100)) * ratio);
      const start = Number(await usage());
      // Any two of these together exceed what is left: exactly one may win.
      const size = Math.floor((capacity - start) / 2) + 1;
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => vol('POST', '/volumes', p.member, { volume: { size } })),
      );
      const won = results.filter((r) => r.statusCode === 202);
      expect(won.length, results.map((r) => r.body).join('\n')).toBe(1);
      for (const r of results.filter((x) => x.statusCode !== 202))
        expectFault(r, 400, /^No valid backend was found\./);
      expect(await usage()).toBe(start + size);
      const id = won[0]!.json().volume.id as string;
      await waitForVolume(id, 'available');
      expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
      expect(await usage()).toBe(start);
    });

    it('reconciles at start: a lost claim is restored, a deleted volume’s claim removed, others kept', async () => {
      const id = await create(1);
      // As a crash before claims existed would leave it: the volume without its claim.
      expect((await place('DELETE', `/allocations/${id}`)).statusCode).toBe(204);
      const orphan = crypto.randomUUID();
      const other = crypto.randomUUID();
      const claim = (consumerType: string) => ({
        allocations: { [rp]: { resources: { DISK_GB: 1 } } },
        project_id: p.projectId,
        user_id: p.memberUserId,
        consumer_generation: null,
        consumer_type: consumerType,
      });
      expect((await place('PUT', `/allocations/${orphan}`, claim('VOLUME'))).statusCode).toBe(204);
      expect((await place('PUT', `/allocations/${other}`, claim('INSTANCE'))).statusCode).toBe(204);
      await sync();
      expect(await claimOf(id)).toEqual({ [rp]: { resources: { DISK_GB: 1 } } });
      expect(await claimOf(orphan)).toEqual({});
      expect(await claimOf(other)).toEqual({ [rp]: { resources: { DISK_GB: 1 } } });
      expect((await place('DELETE', `/allocations/${other}`)).statusCode).toBe(204);
      expect((await vol('DELETE', `/volumes/${id}`, p.member)).statusCode).toBe(202);
      await waitForVolume(id, 'gone');
      expect(await claimOf(id)).toEqual({});
    });
  });
}
