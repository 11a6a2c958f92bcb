/** The few places SQLite and PostgreSQL differ, as flags and small functions. */
export type DialectName = 'sqlite' | 'postgres';

export interface DialectTraits {
  readonly name: DialectName;
  /** True when the error is a unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
  /** True when the error is a foreign-key violation. */
  isForeignKeyViolation(err: unknown): boolean;
}

const sqlite: DialectTraits = {
  name: 'sqlite',
  isUniqueViolation: (err) =>
    errCode(err) === 'SQLITE_CONSTRAINT_UNIQUE' || errCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  isForeignKeyViolation: (err) => errCode(err) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
};

const postgres: DialectTraits = {
  name: 'postgres',
  isUniqueViolation: (err) => errCode(err) === '23505',
  isForeignKeyViolation: (err) => errCode(err) === '23503',
};

export function dialectTraits(name: DialectName): DialectTraits {
  return name === 'sqlite' ? sqlite : postgres;
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}
