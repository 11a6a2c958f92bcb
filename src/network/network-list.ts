import { httpBadRequest } from './network-errors.js';

/**
 * Neutron's list semantics over rendered resources: any attribute is a filter (repeated
 * values mean any of them), `fields` picks attributes, `sort_key`/`sort_dir` pairs sort,
 * and `limit`/`marker` page with `<collection>_links`.
 */
export interface ListQuery {
  readonly filters: ReadonlyMap<string, ReadonlyArray<string>>;
  readonly fields: ReadonlyArray<string>;
  readonly sorts: ReadonlyArray<{ readonly key: string; readonly desc: boolean }>;
  readonly limit: number | undefined;
  readonly marker: string | undefined;
  readonly pageReverse: boolean;
}

const reserved = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse']);

const values = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => String(x));

export function parseListQuery(query: Readonly<Record<string, unknown>>): ListQuery {
  const filters = new Map<string, string[]>();
  for (const [k, v] of Object.entries(query)) if (!reserved.has(k)) filters.set(k, values(v));
  const keys = values(query['sort_key']);
  const dirs = values(query['sort_dir']);
  if (dirs.length > 0 && dirs.length !== keys.length)
    throw httpBadRequest('The number of sort_keys and sort_dirs must be same');
  for (const d of dirs)
    if (d !== 'asc' && d !== 'desc') throw httpBadRequest(`${d} is invalid attribute for sort_dirs`);
  const rawLimit = values(query['limit'])[0];
  let limit: number | undefined;
  if (rawLimit !== undefined) {
    if (!/^\d+$/.test(rawLimit))
      throw httpBadRequest(`Limit must be an integer 0 or greater and not '${rawLimit}'`);
    limit = Number(rawLimit) === 0 ? undefined : Number(rawLimit);
  }
  return {
    filters,
    fields: values(query['fields'])
      .flatMap((f) => f.split(','))
      .filter((f) => f !== ''),
    sorts: keys.map((key, i) => ({ key, desc: dirs[i] === 'desc' })),
    limit,
    marker: values(query['marker'])[0],
    pageReverse: values(query['page_reverse'])[0]?.toLowerCase() === 'true',
  };
}

type Row = Readonly<Record<string, unknown>>;

/** A rendered value as filter text: booleans as Python prints them, lists by any member. */
function matchesFilter(value: unknown, wanted: ReadonlyArray<string>): boolean {
  if (Array.isArray(value)) return value.some((v) => matchesFilter(v, wanted));
  if (typeof value === 'boolean') return wanted.some((w) => w.toLowerCase() === String(value));
  if (value === null) return wanted.some((w) => w === '' || w === 'None');
  return wanted.includes(String(value));
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

export interface ListResult<T> {
  readonly items: T[];
  readonly links: Array<{ readonly rel: 'next' | 'previous'; readonly href: string }>;
}

/**
 * Filters, sorts and pages rendered rows. `special` handles filters that are not plain
 * attribute matches (ports' `fixed_ips=ip_address=...`); unknown attributes are ignored,
 * as Neutron does without the filter-validation extension.
 */
export function applyList<T extends Row>(
  rows: ReadonlyArray<T>,
  q: ListQuery,
  opts: {
    readonly url: string;
    readonly query: Readonly<Record<string, unknown>>;
    readonly sortable: ReadonlySet<string>;
    readonly special?: Readonly<Record<string, (row: T, wanted: ReadonlyArray<string>) => boolean>>;
    readonly markerMissing: (id: string) => Error;
  },
): ListResult<T> {
  for (const s of q.sorts)
    if (!opts.sortable.has(s.key)) throw httpBadRequest(`${s.key} is invalid attribute for sort_key`);
  const filters = [...q.filters];
  // A copy either way: sorting below must not reorder the caller's rows.
  const items = rows.filter((row) =>
    filters.every(([k, wanted]) => {
      const special = opts.special?.[k];
      if (special) return special(row, wanted);
      return !(k in row) || matchesFilter(row[k], wanted);
    }),
  );
  const sorts = [...q.sorts, ...(q.sorts.some((s) => s.key === 'id') ? [] : [{ key: 'id', desc: false }])];
  items.sort((a, b) => {
    for (const s of sorts) {
      const c = compare(a[s.key], b[s.key]);
      if (c !== 0) return s.desc ? -c : c;
    }
    return 0;
  });
  if (q.pageReverse) items.reverse();
  let start = 0;
  if (q.marker !== undefined) {
    const at = items.findIndex((r) => r['id'] === q.marker);
    if (at < 0 && !rows.some((r) => r['id'] === q.marker)) throw opts.markerMissing(q.marker);
    start = at + 1;
  }
  const page = q.limit === undefined ? items.slice(start) : items.slice(start, start + q.limit);
  if (q.pageReverse) page.reverse();
  return { items: page, links: pageLinks(opts.url, opts.query, q, page) };
}

/**
 * Neutron's `next`/`previous` links for a page. Neutron does not look past the page: a full
 * page always has both (the one after the last item is empty), a short one only the link
 * back the way it came; an empty page links without a marker.
 */
export function pageLinks(
  url: string,
  query: Readonly<Record<string, unknown>>,
  q: ListQuery,
  page: ReadonlyArray<Row>,
): ListResult<Row>['links'] {
  if (!q.limit) return [];
  const href = (marker: unknown, reverse: boolean) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (k !== 'marker' && k !== 'page_reverse') for (const x of values(v)) params.append(k, x);
    if (marker !== undefined) params.set('marker', String(marker));
    if (reverse) params.set('page_reverse', 'True');
    return `${url}?${params.toString()}`;
  };
  const full = page.length >= q.limit;
  const links: Array<{ rel: 'next' | 'previous'; href: string }> = [];
  if (full || q.pageReverse) links.push({ rel: 'next', href: href(page.at(-1)?.['id'], false) });
  if (full || !q.pageReverse) links.push({ rel: 'previous', href: href(page[0]?.['id'], true) });
  return links;
}

/** Keeps only the asked-for attributes (`fields`), as Neutron does after policy. */
export function pickFields<T extends Row>(row: T, fields: ReadonlyArray<string>): Partial<T> {
  if (fields.length === 0) return row;
  return Object.fromEntries(Object.entries(row).filter(([k]) => fields.includes(k))) as Partial<T>;
}
