import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase, testDialects } from '../../db/testing/dialects.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { ensureDefaultGroup } from './security-group-defaults.js';

const caller = (projectId: string, isAdmin = false): NetworkCaller => ({
  projectId,
  isAdmin,
  can: () => true,
});

for (const dialect of testDialects()) {
  describe(`${dialect}: security-group-defaults`, () => {
    let testDb: TestDatabase;
    let store: StrataDb;
    let deps: NetworkDeps;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      store = await openDatabase(testDb.url);
      deps = {
        store,
        clock: () => new Date(),
        log: pino({ level: 'silent' }),
        physnetMtu: 1500,
        dnsDomain: 'openstacklocal.',
      };
    });
    afterAll(async () => {
      await store?.close();
      await testDb?.drop();
    });

    it('leaves one default group with four rules when first uses race', async () => {
      const ids = await Promise.all(
        Array.from({ length: 20 }, () => ensureDefaultGroup(deps, caller('p1'), 'p1')),
      );
      expect(new Set(ids).size).toBe(1);
      const groups = await store.db
        .selectFrom('security_groups')
        .selectAll()
        .where('project_id', '=', 'p1')
        .execute();
      expect(groups.map((g) => g.name)).toEqual(['default']);
      const rules = await store.db
        .selectFrom('security_group_rules')
        .selectAll()
        .where('security_group_id', '=', ids[0]!)
        .execute();
      expect(rules.map((r) => `${r.direction} ${r.ethertype}`).sort()).toEqual([
        'egress IPv4',
        'egress IPv6',
        'ingress IPv4',
        'ingress IPv6',
      ]);
      expect(rules.filter((r) => r.direction === 'ingress').every((r) => r.remote_group_id === ids[0])).toBe(
        true,
      );
    });

    it('makes no group for another project unless the caller is admin', async () => {
      expect(await ensureDefaultGroup(deps, caller('p1'), 'p2')).toBeUndefined();
      const none = await store.db
        .selectFrom('security_groups')
        .select('id')
        .where('project_id', '=', 'p2')
        .execute();
      expect(none).toEqual([]);
      expect(await ensureDefaultGroup(deps, caller('admin-project', true), 'p2')).toEqual(expect.any(String));
    });
  });
}
