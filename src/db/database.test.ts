import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('sqlite: a full database', () => {
  it('answers with the real error, not a failed rollback, and writes again once there is room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-db-full-'));
    const store = await openDatabase(join(dir, 'strata.db'));
    try {
      await sql`CREATE TABLE filler (data BLOB)`.execute(store.db);
      const pages = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(store.db)).rows[0]!;
      await sql.raw(`PRAGMA max_page_count = ${pages.page_count}`).execute(store.db);
      const fill = () =>
        store.write((tx) => sql`INSERT INTO filler VALUES (${Buffer.alloc(256 * 1024)})`.execute(tx));
      // One write alone, then several sharing one commit.
      await expect(fill()).rejects.toThrow(/database or disk is full/);
      const batch = await Promise.allSettled([fill(), fill(), fill()]);
      for (const r of batch) {
        expect(r.status).toBe('rejected');
        expect(String((r as PromiseRejectedResult).reason)).toMatch(/database or disk is full/);
      }
      await sql.raw('PRAGMA max_page_count = 1073741823').execute(store.db);
      await fill();
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM filler`.execute(store.db);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite: statement journals', () => {
  /** Files SQLite opened for temporary data (unlinked at once, so only /proc shows them). */
  const openTempFiles = () =>
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      })
      .filter((target) => target.includes('etilqs_'));

  it.skipIf(!existsSync('/proc/self/fd'))(
    'keeps the pages a savepoint changed in memory, not in a temp file',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'strata-db-stmt-'));
      const store = await openDatabase(join(dir, 'strata.db'));
      try {
        await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)`.execute(store.db);
        await sql`CREATE INDEX t_data ON t (data)`.execute(store.db);
        const seen = await store.db.transaction().execute(async (tx) => {
          await sql`INSERT INTO t (data) SELECT randomblob(300) FROM generate_series(1, 2000)`
            .execute(tx)
            .catch(
              // generate_series is an extension some builds lack: a recursive CTE does the same.
              () =>
                sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                INSERT INTO t (data) SELECT randomblob(300) FROM n`.execute(tx),
            );
          await sql`SAVEPOINT s`.execute(tx);
          // Touches far more than the 64 KiB a statement journal keeps in memory by default.
          await sql`UPDATE t SET data = randomblob(300)`.execute(tx);
          const files = openTempFiles();
          await sql`RELEASE s`.execute(tx);
          return files;
        });
        expect(seen).toEqual([]);
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
