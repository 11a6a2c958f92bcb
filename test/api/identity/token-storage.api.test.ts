import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

/** Rows in every table of the database, by table name. */
async function rowCounts(db: Kysely<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await db.introspection.getTables()) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table.name)}`.execute(
      db,
    );
    counts[table.name] = Number(r.rows[0]!.n);
  }
  return counts;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: tokens carry no database row`, () => {
    let t: TestCloud;
    const db = () => t.cloud.store.db as unknown as Kysely<unknown>;
    beforeAll(async () => {
      t = await startTestCloud(dialect);
    });
    afterAll(async () => t?.close());

    it('issues, validates and rescopes 20 tokens without writing a row', async () => {
      const admin = await t.adminToken();
      const before = await rowCounts(db());
      expect(Object.keys(before).length).toBeGreaterThan(10);
      for (let i = 0; i < 20; i++) {
        const tok = await t.token('admin', t.adminPassword, i % 2 ? { system: { all: true } } : undefined);
        const check = await t.request({
          method: 'GET',
          url: '/identity/v3/auth/tokens',
          token: admin,
          headers: { 'x-subject-token': tok },
        });
        expect(check.statusCode).toBe(200);
      }
      expect(await rowCounts(db())).toEqual(before);
    });

    it('writes exactly one revocation row when a token is revoked', async () => {
      const admin = await t.adminToken();
      const tok = await t.token('admin', t.adminPassword);
      const before = await rowCounts(db());
      const res = await t.request({
        method: 'DELETE',
        url: '/identity/v3/auth/tokens',
        token: admin,
        headers: { 'x-subject-token': tok },
      });
      expect(res.statusCode).toBe(204);
      const after = await rowCounts(db());
      const grown = Object.keys(after).filter((k) => after[k] !== before[k]);
      expect(grown).toHaveLength(1);
      expect(after[grown[0]!]).toBe(before[grown[0]!]! + 1);
    });
  });
}
