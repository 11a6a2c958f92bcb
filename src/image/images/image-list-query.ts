import { InputError } from '../../common/errors.js';
import type { ImageMemberStatus, ImageVisibility } from '../../db/tables/image-tables.js';

export const sortKeys = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
] as const;
export type SortKey = (typeof sortKeys)[number];
export type SortDir = 'asc' | 'desc';
export interface SortTerm {
  readonly key: SortKey;
  readonly dir: SortDir;
}

/** `name`, `id`, `status` and the formats take `in:a,b` or a plain value. */
export type ListColumn = 'name' | 'id' | 'status' | 'container_format' | 'disk_format';
export type NumberColumn = 'size' | 'virtual_size' | 'min_ram' | 'min_disk';
export type TimeColumn = 'created_at' | 'updated_at';
export type Comparison = '=' | '<>' | '>' | '>=' | '<' | '<=';

export interface ImageListQuery {
  readonly limit: number;
  readonly marker?: string;
  readonly sort: ReadonlyArray<SortTerm>;
  readonly memberStatus: ImageMemberStatus | 'all';
  readonly visibility?: ImageVisibility | 'all';
  readonly osHidden: boolean;
  readonly protected?: boolean;
  readonly tags: ReadonlyArray<string>;
  readonly lists: ReadonlyArray<{ readonly column: ListColumn; readonly values: ReadonlyArray<string> }>;
  readonly numbers: ReadonlyArray<{
    readonly column: NumberColumn;
    readonly op: Comparison;
    readonly value: number;
  }>;
  readonly times: ReadonlyArray<{
    readonly column: TimeColumn;
    readonly op: Comparison;
    readonly value: string;
  }>;
  readonly equals: Readonly<Partial<Record<'owner' | 'checksum' | 'os_hash_value', string>>>;
  readonly properties: Readonly<Record<string, string>>;
}

type Query = Readonly<Record<string, unknown>>;

const listColumns: ReadonlyArray<string> = ['name', 'id', 'status', 'container_format', 'disk_format'];
const numberColumns: ReadonlyArray<string> = ['size', 'virtual_size', 'min_ram', 'min_disk'];
const equalColumns: ReadonlyArray<string> = ['owner', 'checksum', 'os_hash_value'];
const paging = ['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'member_status', 'tag', 'deleted'];
const comparisons: Readonly<Record<string, Comparison>> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

/** Reads `GET /v2/images` query parameters the way Glance's request deserializer does. */
export function parseImageListQuery(
  q: Query,
  limits: { readonly byDefault: number; readonly max: number },
): ImageListQuery {
  const filters = filterTerms(q);
  const marker = last(q['marker']);
  return {
    limit: Math.min(parseLimit(last(q['limit'])) ?? limits.byDefault, limits.max),
    ...(marker !== undefined && { marker }),
    sort: parseSort(q),
    memberStatus: oneOf(
      last(q['member_status']) ?? 'accepted',
      ['pending', 'accepted', 'rejected', 'all'],
      'status',
    ),
    ...filters,
  };
}

function filterTerms(q: Query) {
  const visibility = last(q['visibility']);
  if (q['changes-since'] !== undefined) throw bad('The "changes-since" filter is no longer available on v2.');
  const prot = last(q['protected']);
  const out = {
    ...(visibility && {
      visibility: oneOf(visibility, ['community', 'public', 'private', 'shared', 'all'], 'visibility value'),
    }),
    osHidden: boolFilter('os_hidden', last(q['os_hidden']) ?? 'false'),
    ...(prot !== undefined && { protected: boolFilter('protected', prot) }),
    tags: all(q['tag']).map((t) => t.trim()),
    ...emptyFilters(),
  };
  for (const key of Object.keys(q)) {
    const value = last(q[key]);
    if (value === undefined || paging.includes(key) || ['visibility', 'protected', 'os_hidden'].includes(key))
      continue;
    addFilter(out, key, value);
  }
  return out;
}

function addFilter(out: ReturnType<typeof emptyFilters>, key: string, value: string): void {
  const range = /^(.*)_(min|max)$/.exec(key);
  if (range) {
    if (!numberColumns.includes(range[1]!)) throw bad(`Unable to filter on a range of '${range[1]}'.`);
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n))
      throw bad('Unable to filter on a range with a non-numeric value.');
    out.numbers.push({ column: range[1] as NumberColumn, op: range[2] === 'min' ? '>=' : '<=', value: n });
  } else if (key === 'created_at' || key === 'updated_at') {
    out.times.push({ column: key, ...timeFilter(key, value) });
  } else if (listColumns.includes(key)) {
    out.lists.push({ column: key as ListColumn, values: listFilter(value) });
  } else if (numberColumns.includes(key)) {
    if (!/^\s*-?\d+\s*$/.test(value)) throw bad(`Invalid value '${value}' for parameter '${key}'.`);
    out.numbers.push({ column: key as NumberColumn, op: '=', value: Number(value) });
  } else if (equalColumns.includes(key)) {
    out.equals[key] = value;
  } else {
    out.properties[key] = value;
  }
}

function emptyFilters() {
  return {
    lists: [] as Array<ImageListQuery['lists'][number]>,
    numbers: [] as Array<ImageListQuery['numbers'][number]>,
    times: [] as Array<ImageListQuery['times'][number]>,
    equals: {} as Record<string, string>,
    properties: {} as Record<string, string>,
  };
}

/** `in:a,"b,c"` or `eq:a` or `a`; any other operator is refused, as Glance refuses it. */
export function listFilter(expr: string): string[] {
  const [op, rest] = splitOperator(expr);
  if (op === 'eq') return [rest];
  if (op !== 'in') throw bad(`Unable to filter by unknown operator '${op}'.`);
  const values: string[] = [];
  for (const m of rest.matchAll(/\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)/g)) {
    if (m.index === rest.length && m[0] === '') break;
    values.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim());
  }
  return values;
}

function timeFilter(key: string, expr: string): { op: Comparison; value: string } {
  const isoFirst = !Number.isNaN(Date.parse(expr));
  const [op, rest] = isoFirst ? ['eq', expr] : splitOperator(expr);
  const comparison = comparisons[op];
  if (comparison === undefined) throw bad('Unable to filter using the specified operator.');
  const when = Date.parse(rest);
  if (Number.isNaN(when)) throw bad(`Bad "${key}" query filter format. Use ISO 8601 DateTime notation.`);
  return { op: comparison, value: new Date(when).toISOString() };
}

function splitOperator(expr: string): [string, string] {
  const colon = expr.indexOf(':');
  return colon < 0 ? ['eq', expr] : [expr.slice(0, colon), expr.slice(colon + 1)];
}

/** Both `sort=name:asc,size` and repeated `sort_key`/`sort_dir`; default created_at desc. */
export function parseSort(q: Query): SortTerm[] {
  const sort = last(q['sort']);
  if (sort !== undefined) {
    if (q['sort_key'] !== undefined || q['sort_dir'] !== undefined)
      throw bad('Old and new sorting syntax cannot be combined');
    return sort.split(',').map((term) => {
      const [key, dir] = term.split(':');
      return { key: sortKey(key!.trim()), dir: sortDir((dir ?? 'desc').trim() || 'desc') };
    });
  }
  const keys = all(q['sort_key']).map((k) => sortKey(k.trim()));
  const dirs = all(q['sort_dir']).map((d) => sortDir(d.trim()));
  if (dirs.length > 1 && dirs.length !== keys.length)
    throw bad('Number of sort dirs does not match the number of sort keys');
  if (keys.length === 0) return [{ key: 'created_at', dir: dirs[0] ?? 'desc' }];
  return keys.map((key, i) => ({ key, dir: dirs.length > 1 ? dirs[i]! : (dirs[0] ?? 'desc') }));
}

function sortKey(key: string): SortKey {
  if (!(sortKeys as ReadonlyArray<string>).includes(key))
    throw bad(`Invalid sort key: ${key}. It must be one of the following: ${sortKeys.join(', ')}.`);
  return key as SortKey;
}

function sortDir(dir: string): SortDir {
  if (dir !== 'asc' && dir !== 'desc') throw bad(`Invalid sort direction: ${dir}`);
  return dir;
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\s*[-+]?\d+\s*$/.test(raw)) throw bad('limit param must be an integer');
  const n = Number(raw);
  if (n < 0) throw bad('limit param must be positive');
  return n;
}

function boolFilter(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v !== 'true' && v !== 'false')
    throw bad(`Invalid value '${value}' for '${name}' filter. Valid values are 'true' or 'false'.`);
  return v === 'true';
}

function oneOf<T extends string>(value: string, allowed: ReadonlyArray<T>, what: string): T {
  if (!(allowed as ReadonlyArray<string>).includes(value)) throw bad(`Invalid ${what}: ${value}`);
  return value as T;
}

function all(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function last(v: unknown): string | undefined {
  return all(v).at(-1);
}

function bad(message: string): InputError {
  return new InputError('image.list.bad_query', message);
}
