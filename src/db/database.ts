import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import type { LogEvent, SqliteDatabase, SqliteStatement } from 'kysely';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { DialectTraits } from './dialects.js';
import { dialectTraits } from './dialects.js';
import type { WriteWork } from './group-commit.js';
import { GroupCommit } from './group-commit.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import type { StatementProfile } from './statement-profile.js';
import { statementProfileFromEnv } from './statement-profile.js';
import { addRegexpFunction } from './sqlite-regexp.js';

export interface OpenOptions {
  /** Told when the server drops an idle pooled connection (restart, admin kill); the pool reconnects. */
  onConnectionLost?: (err: Error) => void;
  /** Told how long each `write` took and whether it committed (metrics). */
  onWriteDone?: (seconds: number, committed: boolean) => void;
  /** Times every statement by shape; by default set only by `STRATA_SQL_PROFILE=1`. */
  statementProfile?: StatementProfile;
}

/** A connection pool's state (PostgreSQL; SQLite has one connection and no pool). */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export interface StrataDb {
  readonly db: Kysely<Database>;
  readonly traits: DialectTraits;
  /** Set when statements are being profiled (`STRATA_SQL_PROFILE=1`). */
  readonly statementProfile: StatementProfile | undefined;
  /**
   * Runs `work` in a transaction. On SQLite concurrent writes share commits (GroupCommit);
   * PostgreSQL runs them side by side on its pool. Use it for hot, short writes.
   */
  write<T>(work: WriteWork<T>): Promise<T>;
  /** Migrations the code has that the database has not run (readiness). */
  pendingMigrations(): Promise<string[]>;
  poolStats(): PoolStats | undefined;
  close(): Promise<void>;
}

/**
 * Opens the state store: `postgres://…` uses PostgreSQL, anything else is a SQLite path
 * (`sqlite:/path/strata.db` or a bare path). Migrations run before this returns.
 */
export async function openDatabase(url: string, opts: OpenOptions = {}): Promise<StrataDb> {
  const isPostgres = /^postgres(ql)?:\/\//.test(url);
  const profile = opts.statementProfile ?? statementProfileFromEnv();
  const pg = isPostgres ? await openPostgres(url, opts, profile) : undefined;
  const db = pg?.db ?? openSqlite(url.replace(/^sqlite:/, ''), profile);
  const traits = dialectTraits(isPostgres ? 'postgres' : 'sqlite');
  await migrate(db);
  const group = isPostgres ? undefined : new GroupCommit(db);
  const run = <T>(work: WriteWork<T>): Promise<T> =>
    group !== undefined ? group.run(work) : db.transaction().execute(work);
  const observe = opts.onWriteDone;
  const write =
    observe === undefined ? run : <T>(work: WriteWork<T>): Promise<T> => timed(run(work), observe);
  return {
    db,
    traits,
    statementProfile: profile,
    write,
    pendingMigrations: () => pendingMigrations(db),
    poolStats: () => pg?.stats(),
    close: () => db.destroy(),
  };
}

async function timed<T>(p: Promise<T>, observe: (seconds: number, ok: boolean) => void): Promise<T> {
  const start = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
  try {
    const value = await p;
    observe(seconds(), true);
    return value;
  } catch (err) {
    observe(seconds(), false);
    throw err;
  }
}

function openSqlite(path: string, profile: StatementProfile | undefined): Kysely<Database> {
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
  // A page cache of up to 64 MiB instead of 2: a read of a whole table (GET /v2.0/ports of
  // 10,000 ports touches 11 MB) otherwise fetches most pages again, from the WAL after a
  // create storm, on every request; that was a quarter of the list's CPU (docs/benchmarks.md).
  // Pages are cached only once read, so a small cloud stays small.
  sqlite.pragma('cache_size = -65536');
  // Savepoints (one per write in a group commit, more inside) keep the pages they change in a
  // statement journal, which past 64 KiB spilled to a temp file in /var/tmp: under a create
  // storm two of every three write syscalls went there. Memory instead (docs/benchmarks.md).
  sqlite.pragma('temp_store = MEMORY');
  addRegexpFunction(sqlite);
  const database = withStatementCache(sqlite, profile);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

/**
 * Kysely prepares every statement it runs; with better-sqlite3 preparing costs as much as
 * running a point query, so statements are kept by SQL text and reused (they run
 * synchronously, never two at once). Bounded, because `IN (?, ?, ...)` texts vary.
 */
function withStatementCache(
  sqlite: SQLite.Database,
  profile: StatementProfile | undefined,
  max = 2000,
): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      if (sql === 'rollback') return rollbackIfOpen(sqlite);
      let statement = cache.get(sql);
      if (statement === undefined) {
        if (cache.size >= max) cache.clear();
        const prepared = sqlite.prepare(sql);
        statement = profile === undefined ? prepared : profiled(prepared, sql, profile);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Times a statement's runs. Here, below Kysely, the profile also sees BEGIN, COMMIT and
 * savepoints, which on SQLite cost as much as the queries.
 */
function profiled(statement: SQLite.Statement, sql: string, profile: StatementProfile): SqliteStatement {
  const time = <T>(run: () => T): T => {
    const start = performance.now();
    try {
      return run();
    } finally {
      profile.record(sql, performance.now() - start);
    }
  };
  return {
    reader: statement.reader,
    all: (params) => time(() => statement.all(params)),
    run: (params) => time(() => statement.run(params)),
    // Streaming is lazy; only its start is timed.
    iterate: (params) => time(() => statement.iterate(params)),
  };
}

/**
 * On some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) SQLite has already rolled the
 * transaction back; Kysely's ROLLBACK would then throw "no transaction is active" and hide
 * the error that matters, so it runs only while a transaction is open.
 */
function rollbackIfOpen(sqlite: SQLite.Database): SqliteStatement {
  const noChange = { changes: 0, lastInsertRowid: 0 };
  return {
    reader: false,
    all: () => [],
    run: () => (sqlite.inTransaction ? sqlite.prepare('rollback').run() : noChange),
    iterate: () => [][Symbol.iterator](),
  };
}

async function openPostgres(
  url: string,
  opts: OpenOptions,
  profile: StatementProfile | undefined,
): Promise<{ db: Kysely<Database>; stats: () => PoolStats }> {
  // Loaded only when used: the all-in-one on SQLite never pays for the driver.
  const { default: pg } = await import('pg');
  // int8 (counts, serials) as numbers: every value Strata stores fits in 53 bits.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Without a listener, a server-side disconnect of an idle client is an uncaught exception.
  pool.on('error', (err) => opts.onConnectionLost?.(err));
  const stats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  // Kysely's log sees queries, not BEGIN/COMMIT: on PostgreSQL those are round trips, not work here.
  const log =
    profile === undefined ? undefined : (e: LogEvent) => profile.record(e.query.sql, e.queryDurationMillis);
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log }), stats };
}

async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await new Migrator({ db, provider: migrationProvider }).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
