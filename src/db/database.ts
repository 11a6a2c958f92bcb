import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { DialectTraits } from './dialects.js';
import { dialectTraits } from './dialects.js';
import type { WriteWork } from './group-commit.js';
import { GroupCommit } from './group-commit.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export interface OpenOptions {
  /** Told when the server drops an idle pooled connection (restart, admin kill); the pool reconnects. */
  onConnectionLost?: (err: Error) => void;
}

export interface StrataDb {
  readonly db: Kysely<Database>;
  readonly traits: DialectTraits;
  /**
   * Runs `work` in a transaction. On SQLite concurrent writes share commits (GroupCommit);
   * PostgreSQL runs them side by side on its pool. Use it for hot, short writes.
   */
  write<T>(work: WriteWork<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens the state store: `postgres://…` uses PostgreSQL, anything else is a SQLite path
 * (`sqlite:/path/strata.db` or a bare path). Migrations run before this returns.
 */
export async function openDatabase(url: string, opts: OpenOptions = {}): Promise<StrataDb> {
  const isPostgres = /^postgres(ql)?:\/\//.test(url);
  const db = isPostgres ? await openPostgres(url, opts) : openSqlite(url.replace(/^sqlite:/, ''));
  const traits = dialectTraits(isPostgres ? 'postgres' : 'sqlite');
  await migrate(db);
  const group = isPostgres ? undefined : new GroupCommit(db);
  const write = <T>(work: WriteWork<T>): Promise<T> =>
    group !== undefined ? group.run(work) : db.transaction().execute(work);
  return { db, traits, write, close: () => db.destroy() };
}

function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets readers run beside the writer; NORMAL is crash-safe for process kills (not power loss).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint every 16,000 pages (64 MiB of WAL) instead of 1,000: each checkpoint syncs and
  // writes hot pages back once, and under a create storm the default cost about a tenth of it.
  sqlite.pragma('wal_autocheckpoint = 16000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
}

/**
 * Kysely prepares every statement it runs; with better-sqlite3 preparing costs as much as
 * running a point query, so statements are kept by SQL text and reused (they run
 * synchronously, never two at once). Bounded, because `IN (?, ?, ...)` texts vary.
 */
function withStatementCache(sqlite: SQLite.Database, max = 2000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement === undefined) {
        if (cache.size >= max) cache.clear();
        statement = sqlite.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Kysely<Database>> {
  // Loaded only when used: the all-in-one on SQLite never pays for the driver.
  const { default: pg } = await import('pg');
  // int8 (counts, serials) as numbers: every value Strata stores fits in 53 bits.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Without a listener, a server-side disconnect of an idle client is an uncaught exception.
  pool.on('error', (err) => opts.onConnectionLost?.(err));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
