import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';

/** The few places SQLite and PostgreSQL differ, as flags and small functions. */
export type DialectName = 'sqlite' | 'postgres';

export interface DialectTraits {
  readonly name: DialectName;
  /** True when the error is a unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
  /** True when the error is a foreign-key violation. */
  isForeignKeyViolation(err: unknown): boolean;
  /** True when the database refused a regular expression the JavaScript engine accepted. */
  isInvalidRegex(err: unknown): boolean;
}

const sqlite: DialectTraits = {
  name: 'sqlite',
  isUniqueViolation: (err) =>
    errCode(err) === 'SQLITE_CONSTRAINT_UNIQUE' || errCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  isForeignKeyViolation: (err) => errCode(err) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
  // Its regexp() is JavaScript's own, so the route's check already caught any bad pattern.
  isInvalidRegex: () => false,
};

const postgres: DialectTraits = {
  name: 'postgres',
  isUniqueViolation: (err) => errCode(err) === '23505',
  isForeignKeyViolation: (err) => errCode(err) === '23503',
  isInvalidRegex: (err) => errCode(err) === '2201B',
};

export function dialectTraits(name: DialectName): DialectTraits {
  return name === 'sqlite' ? sqlite : postgres;
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** SQL expressions the two dialects spell differently. */
export interface DialectSql {
  /** Microseconds since the epoch of an ISO-8601 UTC text column (stored with milliseconds); NULL stays NULL. */
  epochMicros(column: string): RawBuilder<number>;
  /** An integer field of a JSON text column, 0 when absent. */
  jsonInt(column: string, field: string): RawBuilder<number>;
  /** True where a text column matches a regular expression anywhere (case-sensitive). */
  regexMatch(column: string, pattern: string): RawBuilder<boolean>;
}

export const dialectSql: Readonly<Record<DialectName, DialectSql>> = {
  sqlite: {
    epochMicros: (column) =>
      sql<number>`(cast(round(unixepoch(${sql.ref(column)}, 'subsec') * 1000) as integer) * 1000)`,
    jsonInt: (column, field) =>
      sql<number>`coalesce(json_extract(${sql.ref(column)}, ${sql.lit(`$.${field}`)}), 0)`,
    // regexp() is registered on each connection (sqlite-regexp.ts).
    regexMatch: (column, pattern) => sql<boolean>`${sql.ref(column)} regexp ${pattern}`,
  },
  postgres: {
    epochMicros: (column) =>
      sql<number>`cast(round(extract(epoch from cast(${sql.ref(column)} as timestamptz)) * 1000000) as bigint)`,
    jsonInt: (column, field) =>
      sql<number>`coalesce(cast(cast(${sql.ref(column)} as json) ->> ${sql.lit(field)} as integer), 0)`,
    regexMatch: (column, pattern) => sql<boolean>`${sql.ref(column)} ~ ${pattern}`,
  },
};
