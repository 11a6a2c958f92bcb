import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { StatementProfile, statementProfileFromEnv, statementShape } from './statement-profile.js';
import { createTestDatabase, testDialects } from './testing/dialects.js';

describe('statementShape', () => {
  it('folds bind lists, multi-row VALUES and numbered parameters', () => {
    expect(statementShape('select * from "t" where "id" in (?, ?, ?) and "a" = ?')).toBe(
      'select * from "t" where "id" in (?…) and "a" = ?',
    );
    expect(statementShape('insert into "t" ("a", "b") values (?, ?), (?, ?),\n (?, ?)')).toBe(
      'insert into "t" ("a", "b") values (?…), …',
    );
    expect(statementShape('select * from "t" where "id" in ($1, $2) and "a" = $3')).toBe(
      'select * from "t" where "id" in (?…) and "a" = ?',
    );
  });
});

describe('StatementProfile', () => {
  it('adds up calls and time by shape, highest total first, and per unit on request', () => {
    const p = new StatementProfile();
    p.record('select 1 where x in (?)', 1);
    p.record('select 1 where x in (?, ?)', 2);
    p.record('commit', 5);
    expect(p.shapes()).toEqual([
      { shape: 'commit', calls: 1, totalMs: 5 },
      { shape: 'select 1 where x in (?…)', calls: 2, totalMs: 3 },
    ]);
    const text = p.format({ unit: 'server', count: 2 });
    expect(text.split('\n')[0]).toBe(
      'SQL profile: 3 statements, 8.0 ms, 2 shapes; per server: 1.50 statements, 4.000 ms',
    );
    p.reset();
    expect(p.shapes()).toEqual([]);
  });

  it('is off unless STRATA_SQL_PROFILE=1, and one per process when on', () => {
    expect(statementProfileFromEnv({})).toBeUndefined();
    expect(statementProfileFromEnv({ STRATA_SQL_PROFILE: '0' })).toBeUndefined();
    const on = statementProfileFromEnv({ STRATA_SQL_PROFILE: '1' });
    expect(on).toBeInstanceOf(StatementProfile);
    expect(statementProfileFromEnv({ STRATA_SQL_PROFILE: '1' })).toBe(on);
  });
});

describe.each(testDialects())('%s: a profiled database', (dialect) => {
  it('sees each statement a write runs', async () => {
    const testDb = await createTestDatabase(dialect);
    const profile = new StatementProfile();
    const store = await openDatabase(testDb.url, { statementProfile: profile });
    try {
      expect(store.statementProfile).toBe(profile);
      await sql`CREATE TABLE profiled (n integer)`.execute(store.db);
      profile.reset();
      await store.write(async (tx) => {
        await sql`INSERT INTO profiled VALUES (${1}), (${2})`.execute(tx);
        await sql`SELECT count(*) FROM profiled WHERE n IN (${1}, ${2})`.execute(tx);
      });
      const shapes = profile.shapes().map((s) => [s.shape, s.calls]);
      expect(shapes).toEqual(
        expect.arrayContaining([
          ['INSERT INTO profiled VALUES (?…), …', 1],
          ['SELECT count(*) FROM profiled WHERE n IN (?…)', 1],
        ]),
      );
      // Below Kysely, SQLite's profile also sees the transaction's own statements.
      if (dialect === 'sqlite') expect(shapes).toEqual(expect.arrayContaining([['commit', 1]]));
    } finally {
      await store.close();
      await testDb.drop();
    }
  });
});
