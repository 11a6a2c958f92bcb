import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../testing/dialects.js';
import { accessRulesMigration } from './0049-access-rules.js';
import { useTestStore } from '../testing/test-store.js';

const at = '2026-01-01T00:00:00.000Z';
const ips = { id: 'r1', service: 'compute', method: 'GET', path: '/v2.1/servers/*/ips' };
const images = { id: 'r2', service: 'image', method: 'GET', path: '/v2/images' };

const credential = (id: string, rules: unknown[]) => ({
  id,
  name: id,
  user_id: 'u1',
  project_id: 'p1',
  secret_hash: 'x',
  description: '',
  expires_at: null,
  unrestricted: 0 as const,
  roles: '[]',
  access_rules: JSON.stringify(rules),
  created_at: at,
});

for (const dialect of testDialects()) {
  describe(`${dialect}: 0049-access-rules`, () => {
    const store = useTestStore(dialect);

    it("fills the user's rules from the credentials that hold them, each rule once", async () => {
      await store()
        .db.insertInto('domains')
        .values({ id: 'd1', name: 'd1', description: '', enabled: 1, extra: '{}', created_at: at })
        .execute();
      await store()
        .db.insertInto('users')
        .values({
          id: 'u1',
          name: 'u1',
          domain_id: 'd1',
          enabled: 1,
          password_hash: null,
          password_created_at: null,
          default_project_id: null,
          description: '',
          extra: '{}',
          options: '{}',
          created_at: at,
          failed_auth_at: null,
        })
        .execute();
      await store()
        .db.insertInto('application_credentials')
        .values([credential('c1', [ips]), credential('c2', [ips, images]), credential('c3', [])])
        .execute();
      // As before 0049: the table is not there yet.
      await store().db.schema.dropTable('access_rules').execute();
      await accessRulesMigration.up(store().db as unknown as Kysely<unknown>);
      const rows = await store().db.selectFrom('access_rules').selectAll().orderBy('id').execute();
      expect(rows).toEqual([
        { ...ips, user_id: 'u1' },
        { ...images, user_id: 'u1' },
      ]);
    });
  });
}
