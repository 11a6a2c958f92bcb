import type SQLite from 'better-sqlite3';

/**
 * SQLite parses `x REGEXP y` but ships no regexp(); this gives it one, as PostgreSQL's `~`:
 * an unanchored, case-sensitive search. Nova registers the same for its SQLite backend.
 */
export function addRegexpFunction(sqlite: SQLite.Database): void {
  // A query compares each row against one pattern: keep the last compiled one.
  let last: { pattern: string; re: RegExp } | undefined;
  sqlite.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
    if (last?.pattern !== pattern) last = { pattern, re: new RegExp(pattern) };
    return last.re.test(value) ? 1 : 0;
  });
}
