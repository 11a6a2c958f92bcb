import SQLite from 'better-sqlite3';
import type { Transaction } from 'kysely';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import type { Database } from './schema.js';

let statements: string[];
let db: Kysely<Database>;
let group: GroupCommit;

const insert = (tx: Transaction<Database>, n: number) => sql`insert into t (n) values (${n})`.execute(tx);
const stored = async () =>
  (await sql<{ n: number }>`select n from t order by n`.execute(db)).rows.map((r) => r.n);
/** A write that holds the writer until released, so that others queue behind it. */
function holdWriter() {
  let release!: () => void;
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const held = group.run(async (tx) => {
    started();
    await new Promise<void>((r) => (release = r));
    await insert(tx, 0);
  });
  return { running, held, release: () => release() };
}

const commits = () => statements.filter((s) => s.toLowerCase() === 'commit').length;

beforeEach(async () => {
  statements = [];
  db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    log: (e) => {
      statements.push(e.query.sql);
    },
  });
  await sql`create table t (n integer primary key)`.execute(db);
  group = new GroupCommit(db);
});

afterEach(() => db.destroy());

describe('GroupCommit', () => {
  it('runs a lone write at once in its own transaction', async () => {
    await expect(group.run((tx) => insert(tx, 1).then(() => 'done'))).resolves.toBe('done');
    expect(await stored()).toEqual([1]);
    expect(commits()).toBe(1);
  });

  it('lets writes queued by separate callbacks in one turn of the event loop share a commit', async () => {
    // Two timers due together run in one timers phase, as requests read in one poll phase do.
    const queued = await new Promise<Promise<unknown>[]>((resolve) => {
      const writes: Promise<unknown>[] = [];
      setTimeout(() => writes.push(group.run((tx) => insert(tx, 1))), 0);
      setTimeout(() => resolve([...writes, group.run((tx) => insert(tx, 2))]), 0);
    });
    await Promise.all(queued);
    expect(await stored()).toEqual([1, 2]);
    expect(commits()).toBe(1);
  });

  it('lets writes that arrive during a commit share the next one, in arrival order', async () => {
    const writer = holdWriter();
    await writer.running;
    const later = Array.from({ length: 10 }, (_, i) =>
      group.run(async (tx) => {
        await insert(tx, i + 1);
        // Each write sees the ones queued before it.
        return (await sql<{ c: number }>`select count(*) as c from t`.execute(tx)).rows[0]!.c;
      }),
    );
    writer.release();
    await writer.held;
    expect(await Promise.all(later)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await stored()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(commits()).toBe(2);
  });

  it('rolls a failing write back alone; the rest of its batch commits', async () => {
    const writer = holdWriter();
    await writer.running;
    const ok1 = group.run((tx) => insert(tx, 1));
    const bad = group.run(async (tx) => {
      await insert(tx, 2);
      await insert(tx, 1); // duplicate key: this write fails after a partial insert
    });
    const ok2 = group.run((tx) => insert(tx, 3));
    writer.release();
    await writer.held;
    await expect(bad).rejects.toThrow(/UNIQUE/);
    await Promise.all([ok1, ok2]);
    expect(await stored()).toEqual([0, 1, 3]);
  });

  it('settles a batch only after its commit, and a failed commit fails every write in it', async () => {
    await sql`create table child (p integer references t (n) deferrable initially deferred)`.execute(db);
    await sql`pragma foreign_keys = on`.execute(db);
    const writer = holdWriter();
    await writer.running;
    const good = group.run((tx) => insert(tx, 7));
    // A deferred foreign key is only checked at COMMIT, so this batch cannot commit.
    const orphan = group.run((tx) => sql`insert into child (p) values (99)`.execute(tx));
    writer.release();
    await writer.held;
    await expect(good).rejects.toThrow(/FOREIGN KEY/);
    await expect(orphan).rejects.toThrow(/FOREIGN KEY/);
    expect(await stored()).toEqual([0]);
    // The queue keeps working after a failed batch.
    await group.run((tx) => insert(tx, 8));
    expect(await stored()).toEqual([0, 8]);
  });
});
