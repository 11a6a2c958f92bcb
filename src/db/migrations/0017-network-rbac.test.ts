import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../testing/dialects.js';
import { networkRbacMigration } from './0017-network-rbac.js';
import { useTestStore } from '../testing/test-store.js';

const network = (id: string, shared: 0 | 1, external: 0 | 1) => ({
  id,
  project_id: 'owner',
  name: id.slice(0, 4),
  description: '',
  admin_state_up: 1 as const,
  shared,
  external,
  mtu: 1500,
  port_security_enabled: 1 as const,
  network_type: 'vxlan',
  physical_network: '',
  segmentation_id: null,
  availability_zone_hints: '[]',
  tags: '[]',
  revision_number: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

for (const dialect of testDialects()) {
  describe(`${dialect}: 0017-network-rbac`, () => {
    const store = useTestStore(dialect);

    it("gives a cloud's shared and external networks their wildcard policies", async () => {
      const db = store().db;
      const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
      const plain = '33333333-3333-4333-8333-333333333333';
      await db
        .insertInto('networks')
        .values([network(ids[0]!, 1, 0), network(ids[1]!, 0, 1), network(plain, 0, 0)])
        .execute();
      await db.schema.dropTable('network_rbac_policies').execute();
      await db.schema.dropTable('auto_allocated_topologies').execute();
      await db.schema.alterTable('networks').dropColumn('is_default').execute();
      await networkRbacMigration.up(db as unknown as Kysely<unknown>);
      const rows = await db
        .selectFrom('network_rbac_policies')
        .select(['object_id', 'action', 'target_project', 'project_id'])
        .orderBy('object_id')
        .execute();
      expect(rows).toEqual([
        { object_id: ids[0], action: 'access_as_shared', target_project: '*', project_id: 'owner' },
        { object_id: ids[1], action: 'access_as_external', target_project: '*', project_id: 'owner' },
      ]);
      const flags = await db.selectFrom('networks').select('is_default').execute();
      expect(flags.every((f) => f.is_default === 0)).toBe(true);
    });
  });
}
