import { randomBytes } from 'node:crypto';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

/**
 * The dialects a store or API suite runs against: SQLite always, PostgreSQL when
 * STRATA_TEST_POSTGRES_URL names a server (CI starts one; see scripts/test).
 */
export function testDialects(): ReadonlyArray<TestDialect> {
  return process.env['STRATA_TEST_POSTGRES_URL'] ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: a temp SQLite file, or a new PostgreSQL database on the test server. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'strata-db-'));
    return {
      url: `sqlite:${join(dir, 'strata.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env['STRATA_TEST_POSTGRES_URL']!;
  const name = `strata_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropDatabase(adminUrl, name),
  };
}

/**
 * FORCE ends the database's other sessions; an autovacuum worker among them belongs to no
 * role, so a test role outside pg_signal_backend is refused (42501) until it finishes.
 */
async function dropDatabase(adminUrl: string, name: string, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '42501' || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
