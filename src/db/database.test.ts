import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { createTestDatabase, testDialects } from './testing/dialects.js';

describe.skipIf(!testDialects().includes('postgres'))('postgres: lost connections', () => {
  it('survives the server killing idle pooled connections, and reconnects', async () => {
    const testDb = await createTestDatabase('postgres');
    const lost: Error[] = [];
    const store = await openDatabase(testDb.url, { onConnectionLost: (err) => lost.push(err) });
    try {
      await sql`SELECT 1`.execute(store.db);
      const admin = new pg.Client({ connectionString: process.env['STRATA_TEST_POSTGRES_URL'] });
      await admin.connect();
      const name = new URL(testDb.url).pathname.slice(1);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await admin.end();
      await expect.poll(() => lost.length, { timeout: 5000 }).toBeGreaterThan(0);
      const { rows } = await sql<{ n: number }>`SELECT 1 AS n`.execute(store.db);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await store.close();
      await testDb.drop();
    }
  });
});
