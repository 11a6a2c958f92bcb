import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestDialect } from '../../src/db/testing/dialects.js';
import { createTestDatabase, testDialects } from '../../src/db/testing/dialects.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

async function adminToken(s: StrataProcess): Promise<string> {
  const a = s.adminAuth;
  const res = await fetch(`${s.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: a['username'], domain: { name: 'Default' }, password: a['password'] } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  expect(res.status).toBe(201);
  return res.headers.get('x-subject-token')!;
}

/** Creates projects from 8 concurrent clients until the server dies; returns the names it acknowledged. */
async function writeUntilKilled(s: StrataProcess, token: string, killAfterMs: number): Promise<string[]> {
  const acknowledged: string[] = [];
  let n = 0;
  let alive = true;
  const worker = async () => {
    while (alive) {
      const name = `crash-${n++}`;
      try {
        const res = await fetch(`${s.url}/identity/v3/projects`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-auth-token': token },
          body: JSON.stringify({ project: { name, description: 'written during a crash test' } }),
        });
        if (res.status === 201) acknowledged.push(name);
      } catch {
        alive = false; // connection refused or reset: the server is gone
      }
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  await new Promise((r) => setTimeout(r, killAfterMs));
  await s.kill9();
  await Promise.all(workers);
  return acknowledged;
}

// Needs `npm run build` (scripts/test runs it first).
describe.skipIf(!builtCliAvailable())('kill -9 during a burst of writes', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  for (const dialect of testDialects()) {
    it(`${dialect}: keeps every acknowledged write and reopens cleanly`, async () => {
      const db = dialect === 'postgres' ? await createTestDatabase(dialect as TestDialect) : undefined;
      const first = await startStrata(db ? { databaseUrl: db.url } : {});
      cleanups.push(() => first.cleanup());
      if (db) cleanups.push(() => db.drop());
      const acknowledged = await writeUntilKilled(first, await adminToken(first), 1500);
      expect(acknowledged.length).toBeGreaterThan(10);

      if (dialect === 'sqlite') {
        const raw = new SQLite(join(first.dataDir, 'strata.db'));
        expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
        raw.close();
      }
      const second = await startStrata({ dataDir: first.dataDir, ...(db && { databaseUrl: db.url }) });
      const token = await adminToken(second);
      const res = await fetch(`${second.url}/identity/v3/projects`, { headers: { 'x-auth-token': token } });
      const names = new Set(
        ((await res.json()) as { projects: Array<{ name: string }> }).projects.map((p) => p.name),
      );
      const lost = acknowledged.filter((name) => !names.has(name));
      expect(lost).toEqual([]);
      expect(await second.stop()).toBe(0);
    });
  }
});
