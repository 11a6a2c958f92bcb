import type { Compilable, CompiledQuery, Insertable, QueryResult } from 'kysely';
import type { Db } from './db-handle.js';
import type { Database } from './schema.js';

/**
 * Queries built and compiled once per dialect; each call only binds its parameters.
 *
 * Kysely builds an immutable tree for every query and compiles it to SQL each time: for a
 * point select that is about as much CPU as SQLite running it, for a wide insert several
 * times more (docs/benchmarks.md, boot storm). The hot statements of a create storm go
 * through here instead. Only queries whose SQL does not depend on the values qualify:
 * no `in` lists, no optional clauses.
 */

/** Stands for a named parameter while the query is built. */
class Slot {
  constructor(readonly name: string) {}
}

interface Shape {
  readonly compiled: CompiledQuery;
  /** A parameter's name, or the constant the builder bound there. */
  readonly slots: ReadonlyArray<string | { readonly value: unknown }>;
}

/** The SQL differs by dialect only: one shape per adapter class. */
type ShapeKey = object;

function shapeKey(db: Db): ShapeKey {
  return db.getExecutor().adapter.constructor;
}

function compileShape(query: Compilable<unknown>): Shape {
  const compiled = query.compile();
  const slots = compiled.parameters.map((v) => (v instanceof Slot ? v.name : { value: v }));
  return { compiled, slots };
}

/** What binds as a plain parameter; anything else (an expression, a subquery) is built each time. */
const plain = (v: unknown): boolean =>
  v === undefined || v === null || typeof v !== 'object' || Buffer.isBuffer(v);

function bind(shape: Shape, params: Readonly<Record<string, unknown>>): CompiledQuery {
  const parameters = shape.slots.map((s) => {
    if (typeof s !== 'string') return s.value;
    const v = params[s];
    if (v === undefined) throw new Error(`prepared query: no value for parameter '${s}'`);
    // An expression in a value's place would change the SQL, which is already fixed.
    if (!plain(v)) throw new Error(`prepared query: parameter '${s}' is not a plain value`);
    return v;
  });
  return { ...shape.compiled, parameters };
}

export interface PreparedQuery<P, R> {
  execute(db: Db, params: P): Promise<QueryResult<R>>;
  all(db: Db, params: P): Promise<R[]>;
  first(db: Db, params: P): Promise<R | undefined>;
}

/**
 * `build` receives stand-ins for the parameters (`p.id`); use them as values only, never to
 * choose the query's shape. Every parameter must be given on each call (null, not undefined).
 */
export function prepareQuery<P extends Readonly<Record<string, unknown>>, R>(
  build: (db: Db, p: P) => Compilable<R>,
): PreparedQuery<P, R> {
  const shaped = prepareShapes<P, R, ''>((db, p) => build(db, p));
  const execute = (db: Db, params: P) => shaped.execute(db, '', params);
  return {
    execute,
    all: async (db, params) => (await execute(db, params)).rows,
    first: async (db, params) => (await execute(db, params)).rows[0],
  };
}

/** Shapes kept per prepared query and dialect; beyond this, new shapes are compiled each time. */
const maxShapes = 256;

export interface PreparedShapes<P, R, K extends string> {
  execute(db: Db, shape: K, params: P): Promise<QueryResult<R>>;
}

/**
 * A query with a few shapes (an update whose columns vary by caller, say): `build` gets the
 * shape's name as well and must build the same SQL for the same name.
 */
export function prepareShapes<P extends Readonly<Record<string, unknown>>, R, K extends string>(
  build: (db: Db, p: P, shape: K) => Compilable<R>,
): PreparedShapes<P, R, K> {
  const stand = new Proxy({} as P, { get: (_t, name) => new Slot(String(name)) });
  const byDialect = new Map<ShapeKey, Map<K, Shape>>();
  return {
    execute(db, name, params) {
      const key = shapeKey(db);
      let shapes = byDialect.get(key);
      if (shapes === undefined) byDialect.set(key, (shapes = new Map()));
      let shape = shapes.get(name);
      if (shape === undefined) {
        shape = compileShape(build(db, stand, name));
        if (shapes.size < maxShapes) shapes.set(name, shape);
      }
      return db.executeQuery<R>(bind(shape, params));
    },
  };
}

/** Stands for row `row`'s value of column `column` while an insert is built. */
class RowSlot {
  constructor(
    readonly row: number,
    readonly column: string,
  ) {}
}

const insertShapes = new Map<ShapeKey, Map<string, CompiledQuery>>();
/** Inserts of up to this many rows keep their shape; larger ones are compiled each time. */
const maxPreparedRows = 16;

/** The columns every row gives a value (undefined means "not given", as Kysely reads it). */
function sharedColumns(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] | undefined {
  if (!rows.every((r) => Object.values(r).every(plain))) return undefined;
  const columns = Object.keys(rows[0]!).filter((c) => rows[0]![c] !== undefined);
  const same = rows.every(
    (r) =>
      columns.every((c) => r[c] !== undefined) &&
      Object.keys(r).filter((c) => r[c] !== undefined).length === columns.length,
  );
  return same ? columns : undefined;
}

/**
 * `insertInto(table).values(rows)`, the statement's shape kept per table, columns and row
 * count. Rows that do not all give the same columns take Kysely's own path.
 */
export async function insertRows<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
  if (rows.length === 0) return;
  const records = rows as ReadonlyArray<Readonly<Record<string, unknown>>>;
  const columns = rows.length <= maxPreparedRows ? sharedColumns(records) : undefined;
  if (columns === undefined) {
    await db
      .insertInto(table)
      .values(rows as never)
      .execute();
    return;
  }
  const key = shapeKey(db);
  let byShape = insertShapes.get(key);
  if (byShape === undefined) insertShapes.set(key, (byShape = new Map()));
  const id = `${table}|${rows.length}|${columns.join(',')}`;
  let compiled = byShape.get(id);
  if (compiled === undefined) {
    const stand = rows.map((_r, i) => Object.fromEntries(columns.map((c) => [c, new RowSlot(i, c)])));
    compiled = db
      .insertInto(table)
      .values(stand as never)
      .compile();
    byShape.set(id, compiled);
  }
  const parameters = compiled.parameters.map((v) => (v instanceof RowSlot ? records[v.row]![v.column] : v));
  await db.executeQuery({ ...compiled, parameters });
}
