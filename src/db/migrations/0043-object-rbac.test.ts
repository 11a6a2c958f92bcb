import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sharedWith } from '../../network/rbac/object-rbac-store.js';
import { testDialects } from '../testing/dialects.js';
import { objectRbacMigration } from './0043-object-rbac.js';
import { useTestStore } from '../testing/test-store.js';

const at = '2026-01-01T00:00:00.000Z';
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const scope = (n: number, shared: 0 | 1) => ({
  id: id(n),
  project_id: `owner-${n}`,
  name: `scope-${n}`,
  shared,
  ip_version: 4,
});

const pool = (n: number, shared: 0 | 1) => ({
  id: id(n),
  project_id: `owner-${n}`,
  name: `pool-${n}`,
  description: '',
  ip_version: 4,
  default_prefixlen: 24,
  min_prefixlen: 8,
  max_prefixlen: 32,
  default_quota: null,
  address_scope_id: null,
  shared,
  is_default: 0 as const,
  prefixes: `["10.${n}.0.0/16"]`,
  tags: '[]',
  revision_number: 1,
  created_at: at,
  updated_at: at,
});

for (const dialect of testDialects()) {
  describe(`${dialect}: 0043-object-rbac`, () => {
    const store = useTestStore(dialect);

    it('gives each shared address scope and subnet pool, and only those, a wildcard policy from its owner', async () => {
      // The rows as they stood before 0043: `shared` a flag of its own, no policy table.
      await store().db.schema.dropTable('object_rbac_policies').execute();
      await store()
        .db.insertInto('address_scopes')
        .values([scope(1, 1), scope(2, 0)])
        .execute();
      await store()
        .db.insertInto('subnetpools')
        .values([pool(3, 1), pool(4, 0), pool(5, 1)])
        .execute();

      await objectRbacMigration.up(store().db as unknown as Kysely<unknown>);

      const rows = await store()
        .db.selectFrom('object_rbac_policies')
        .selectAll()
        .orderBy('object_id')
        .execute();
      expect(rows.map((r) => [r.object_type, r.object_id, r.project_id, r.action, r.target_project])).toEqual(
        [
          ['address_scope', id(1), 'owner-1', 'access_as_shared', '*'],
          ['subnetpool', id(3), 'owner-3', 'access_as_shared', '*'],
          ['subnetpool', id(5), 'owner-5', 'access_as_shared', '*'],
        ],
      );
      // Uuid-shaped, distinct, and neither an object's id nor random: the same object gives the same id.
      for (const r of rows) expect(r.id).toMatch(uuidShape);
      expect(new Set(rows.map((r) => r.id)).size).toBe(3);
      expect(rows.map((r) => r.id)).not.toContain(id(1));
      expect(rows[0]!.id).toBe('00000000-0000-4000-c000-000000000001');

      // What the API reads: shared with any project, and the unsharing ones with none.
      expect(await sharedWith(store().db, id(1), 'anyone')).toBe(true);
      expect(await sharedWith(store().db, id(5), undefined)).toBe(true);
      expect(await sharedWith(store().db, id(2), 'anyone')).toBe(false);
      expect(await sharedWith(store().db, id(4), 'anyone')).toBe(false);

      // The unique key a duplicate policy trips (DuplicateRbacPolicy).
      await expect(
        store()
          .db.insertInto('object_rbac_policies')
          .values({ ...rows[1]!, id: id(9) })
          .execute(),
      ).rejects.toThrow();
    });
  });
}
