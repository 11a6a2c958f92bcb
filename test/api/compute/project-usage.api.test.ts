import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countServerUsage } from '../../../src/compute/quotas/quota-store.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { insertServer } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: project usage kept by triggers`, () => {
    let t: TestCloud;
    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
    });
    afterAll(async () => t?.close());

    /** The count quota checks used to run over every server. */
    async function counted(projectId: string) {
      const r = await t.cloud.store.db
        .selectFrom('servers')
        .select((eb) => [
          eb.fn.countAll<number>().as('instances'),
          eb.fn.coalesce(eb.fn.sum<number>('vcpus'), eb.lit(0)).as('cores'),
          eb.fn.coalesce(eb.fn.sum<number>('memory_mb'), eb.lit(0)).as('ram'),
        ])
        .where('project_id', '=', projectId)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      return { instances: Number(r.instances), cores: Number(r.cores), ram: Number(r.ram) };
    }

    it('equals the count over live servers through inserts, resizes, moves and deletes', async () => {
      const db = t.cloud.store.db;
      const [a, b] = ['usage-a', 'usage-b'];
      const ids = [
        await insertServer(t, { projectId: a, vcpus: 1, ram: 512 }),
        await insertServer(t, { projectId: a, vcpus: 2, ram: 2048 }),
        await insertServer(t, { projectId: a, vcpus: 4, ram: 4096, deleted: true }),
        await insertServer(t, { projectId: b, vcpus: 8, ram: 8192 }),
      ];
      const check = async () => {
        for (const p of [a, b]) expect(await countServerUsage(db, p)).toEqual(await counted(p));
      };
      await check();
      expect(await countServerUsage(db, a)).toEqual({ instances: 2, cores: 3, ram: 2560 });
      // A resize changes the size; a rename of an unrelated column changes nothing.
      await db.updateTable('servers').set({ vcpus: 3, memory_mb: 1024 }).where('id', '=', ids[0]!).execute();
      await db.updateTable('servers').set({ name: 'renamed' }).where('id', '=', ids[1]!).execute();
      await check();
      // Soft delete, undelete (a deleted row that comes back), a move between projects, a hard delete.
      await db
        .updateTable('servers')
        .set({ deleted_at: new Date().toISOString() })
        .where('id', '=', ids[1]!)
        .execute();
      await db.updateTable('servers').set({ deleted_at: null }).where('id', '=', ids[2]!).execute();
      await db.updateTable('servers').set({ project_id: a }).where('id', '=', ids[3]!).execute();
      await check();
      await db.deleteFrom('servers').where('id', '=', ids[0]!).execute();
      await db.deleteFrom('servers').where('id', '=', ids[1]!).execute();
      await check();
      expect(await countServerUsage(db, b)).toEqual({ instances: 0, cores: 0, ram: 0 });
      expect(await countServerUsage(db, 'never-seen')).toEqual({ instances: 0, cores: 0, ram: 0 });
    });
  });
}
