import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCloudError } from '../../../src/common/errors.js';
import type { StrataDb } from '../../../src/db/database.js';
import { openDatabase } from '../../../src/db/database.js';
import type { TestDatabase } from '../../../src/db/testing/dialects.js';
import { createTestDatabase, testDialects } from '../../../src/db/testing/dialects.js';
import type { AllocationWrite, PlacementApi } from '../../../src/placement/index.js';
import { capacityOf } from '../../../src/placement/index.js';
import { createPlacementApi } from '../../../src/placement/placement-module.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { makeProvider, placementCaller } from './placement-calls.js';

const consumer = (n: number) => `f0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const provider = (n: number) => `b0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const pick = <T>(xs: ReadonlyArray<T>, i: number): T => xs[i % xs.length]!;

/** Usage never exceeds capacity, and equals the sum of every consumer's allocations. */
async function checkBooks(api: PlacementApi, consumers: ReadonlyArray<string>): Promise<void> {
  const summed: Record<string, Record<string, number>> = {};
  for (const c of consumers) {
    for (const [rp, rcs] of Object.entries(await api.getAllocations(c))) {
      for (const [rc, n] of Object.entries(rcs)) (summed[rp] ??= {})[rc] = (summed[rp]?.[rc] ?? 0) + n;
    }
  }
  for (const p of await api.snapshot()) {
    for (const [rc, inv] of Object.entries(p.inventories)) {
      expect(p.usages[rc] ?? 0, `${p.name} ${rc}`).toBeLessThanOrEqual(capacityOf(inv));
      expect(p.usages[rc] ?? 0, `${p.name} ${rc}`).toBe(summed[p.uuid]?.[rc] ?? 0);
    }
  }
}

const isConflict = (err: unknown) => isCloudError(err) && err.status === 409;

for (const dialect of testDialects()) {
  describe(`${dialect}: placement concurrent claims`, () => {
    let db: TestDatabase;
    const stores: StrataDb[] = [];
    const apis: PlacementApi[] = [];

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      // Two API processes on PostgreSQL; SQLite has one writer process by design.
      for (let i = 0; i < (dialect === 'postgres' ? 2 : 1); i++) {
        const store = await openDatabase(db.url);
        stores.push(store);
        apis.push(createPlacementApi({ store, clock: () => new Date(), log: pino({ level: 'silent' }) }));
      }
      for (let i = 0; i < 3; i++) {
        await apis[0]!.ensureProvider({
          uuid: provider(i),
          name: `host-${i}`,
          inventories: { VCPU: { total: 10 }, MEMORY_MB: { total: 1000, reserved: 100 } },
          traits: ['CUSTOM_CONCURRENCY'],
        });
      }
    });
    afterAll(async () => {
      for (const s of stores) await s.close();
      await db?.drop();
    });

    it('never oversubscribes under many concurrent writeAllocations', async () => {
      const attempts = Array.from({ length: 80 }, (_, i): AllocationWrite => ({
        consumerId: consumer(i),
        projectId: 'p',
        userId: 'u',
        allocations: [
          { providerId: provider(i % 3), resources: { VCPU: 1 + (i % 3), MEMORY_MB: 50 + (i % 4) * 50 } },
          ...(i % 5 === 0
            ? [{ providerId: provider((i + 1) % 3), resources: { VCPU: 1 } as Record<string, number> }]
            : []),
        ],
      }));
      const results = await Promise.allSettled(attempts.map((w, i) => pick(apis, i).writeAllocations(w)));
      const failed = results.filter((r) => r.status === 'rejected');
      for (const f of failed)
        expect(
          isConflict((f as PromiseRejectedResult).reason),
          String((f as PromiseRejectedResult).reason),
        ).toBe(true);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length).toBeLessThan(attempts.length);
      await checkBooks(
        apis[0]!,
        attempts.map((a) => a.consumerId),
      );
      const full = await apis[0]!.snapshot({ requiredTraits: ['CUSTOM_CONCURRENCY'] });
      expect(full.reduce((n, p) => n + (p.usages['VCPU'] ?? 0), 0)).toBeGreaterThan(20);
    });

    it('keeps one consistent set per consumer under concurrent replacements and deletes', async () => {
      const ids = Array.from({ length: 6 }, (_, i) => consumer(1000 + i));
      const ops = ids.flatMap((id, i) =>
        Array.from({ length: 6 }, (_, k) => async () => {
          const api = pick(apis, i + k);
          if (k === 3) return api.deleteAllocations(id);
          return api.writeAllocations({
            consumerId: id,
            projectId: 'p',
            userId: 'u',
            allocations: [{ providerId: provider((i + k) % 3), resources: { MEMORY_MB: 10 * (k + 1) } }],
          });
        }),
      );
      const results = await Promise.allSettled(ops.map((op) => op()));
      for (const r of results)
        if (r.status === 'rejected') expect(isConflict(r.reason), String(r.reason)).toBe(true);
      for (const id of ids)
        expect(Object.keys(await apis[0]!.getAllocations(id)).length).toBeLessThanOrEqual(1);
      await checkBooks(apis[0]!, [...ids, ...Array.from({ length: 80 }, (_, i) => consumer(i))]);
    });

    it('refuses a stale pinned generation without retrying it away', async () => {
      await apis[0]!.ensureProvider({
        uuid: provider(9),
        name: 'pinned',
        inventories: { MEMORY_MB: { total: 10 } },
        traits: ['CUSTOM_PINNED'],
      });
      await apis[0]!.ensureProvider({
        uuid: provider(9),
        name: 'pinned',
        inventories: { MEMORY_MB: { total: 10 } },
        traits: ['CUSTOM_PINNED'],
      });
      const [p] = await apis[0]!.snapshot({ requiredTraits: ['CUSTOM_PINNED'] });
      expect(p).toMatchObject({ name: 'pinned', generation: 2, traits: ['CUSTOM_PINNED'] });
      const write = (gen: number) =>
        apis[0]!.writeAllocations({
          consumerId: consumer(2000),
          projectId: 'p',
          userId: 'u',
          consumerGeneration: null,
          allocations: [{ providerId: p!.uuid, providerGeneration: gen, resources: { MEMORY_MB: 1 } }],
        });
      await expect(write(p!.generation - 1)).rejects.toMatchObject({ reason: 'provider_generation' });
      await write(p!.generation);
      await expect(write(p!.generation + 1)).rejects.toMatchObject({ reason: 'consumer_generation' });
    });
  });

  describe(`${dialect}: placement concurrent PUT /allocations`, () => {
    let t: TestCloud;
    let admin = '';

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('never oversubscribes when many clients claim at once', async () => {
      const call = placementCaller(t, () => admin, '1.28');
      const hosts = [
        await makeProvider(call, 'http-a', { VCPU: { total: 8 } }),
        await makeProvider(call, 'http-b', { VCPU: { total: 6, allocation_ratio: 1.5 } }),
      ];
      const claims = Array.from({ length: 40 }, (_, i) => ({
        id: consumer(5000 + i),
        body: {
          allocations: { [pick(hosts, i)]: { resources: { VCPU: 1 + (i % 2) } } },
          project_id: 'p',
          user_id: 'u',
          consumer_generation: null,
        },
      }));
      const results = await Promise.all(claims.map((c) => call('PUT', `/allocations/${c.id}`, c.body)));
      for (const r of results) expect([204, 409], r.body).toContain(r.statusCode);
      expect(results.some((r) => r.statusCode === 409)).toBe(true);
      const won = claims.filter((_, i) => results[i]!.statusCode === 204);
      for (const [i, host] of hosts.entries()) {
        const used = (await call('GET', `/resource_providers/${host}/usages`)).json().usages.VCPU as number;
        expect(used).toBeLessThanOrEqual(i === 0 ? 8 : 9);
        const mine = won.map((c) => c.body.allocations[host]?.resources.VCPU ?? 0).reduce((a, b) => a + b, 0);
        expect(used).toBe(mine);
      }
    });
  });
}
