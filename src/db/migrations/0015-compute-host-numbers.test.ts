import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { nextServiceNumber } from '../../compute/hosts/host-store.js';
import type { Database } from '../schema.js';
import { testDialects } from '../testing/dialects.js';
import { computeHostNumbersMigration } from './0015-compute-host-numbers.js';
import { useTestStore } from '../testing/test-store.js';

const host = (hostname: string, createdAt: string) => ({
  id: crypto.randomUUID(),
  service_number: nextServiceNumber,
  hostname,
  driver: 'fake',
  availability_zone: 'nova',
  status: 'enabled' as const,
  disabled_reason: null,
  forced_down: 0 as const,
  last_heartbeat: createdAt,
  provider_id: crypto.randomUUID(),
  vcpus: 1,
  memory_mb: 1,
  local_gb: 1,
  facts: '{}',
  created_at: createdAt,
});

const numbers = async (db: Kysely<Database>) =>
  (
    await db.selectFrom('compute_hosts').select(['hostname', 'service_number']).orderBy('hostname').execute()
  ).map((r) => [r.hostname, r.service_number]);

for (const dialect of testDialects()) {
  describe(`${dialect}: 0015-compute-host-numbers`, () => {
    const store = useTestStore(dialect);

    it('numbers new hosts one past the highest, never reusing a number while it is held', async () => {
      const db = store().db;
      for (const [name, at] of [
        ['h-b', '2026-01-02T00:00:00.000Z'],
        ['h-a', '2026-01-03T00:00:00.000Z'],
        ['h-c', '2026-01-01T00:00:00.000Z'],
      ] as const)
        await db.insertInto('compute_hosts').values(host(name, at)).execute();
      expect(await numbers(db)).toEqual([
        ['h-a', 2],
        ['h-b', 1],
        ['h-c', 3],
      ]);
      await db.deleteFrom('compute_hosts').where('hostname', '=', 'h-a').execute();
      await db.insertInto('compute_hosts').values(host('h-d', '2026-01-04T00:00:00.000Z')).execute();
      expect(await numbers(db)).toContainEqual(['h-d', 4]);
    });

    it('numbers the hosts a cloud already had in the order they registered', async () => {
      const db = store().db;
      await db.schema.dropIndex('compute_hosts_service_number').execute();
      await db.schema.alterTable('compute_hosts').dropColumn('service_number').execute();
      await computeHostNumbersMigration.up(db as unknown as Kysely<unknown>);
      expect(await numbers(db)).toEqual([
        ['h-b', 2],
        ['h-c', 1],
        ['h-d', 3],
      ]);
    });
  });
}
