import { InputError } from '../errors.js';

export interface PageRequest {
  readonly limit: number;
  readonly marker?: string;
}

export interface PageLink {
  readonly rel: 'next' | 'previous';
  readonly href: string;
}

/** Reads `limit` and `marker` from a query string, capping limit at `maxLimit`. */
export function parsePageRequest(query: Readonly<Record<string, unknown>>, maxLimit: number): PageRequest {
  const raw = query['limit'];
  let limit = maxLimit;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      throw new InputError(
        'common.pagination.bad_limit',
        `limit must be a non-negative integer, got '${String(raw)}'`,
      );
    }
    limit = Math.min(n, maxLimit);
  }
  const marker = typeof query['marker'] === 'string' && query['marker'] !== '' ? query['marker'] : undefined;
  return marker === undefined ? { limit } : { limit, marker };
}

/**
 * The `next` link OpenStack list APIs return when a page is full: the same query with
 * `marker` set to the last item's id.
 */
export function nextPageLinks(
  url: string,
  query: Readonly<Record<string, unknown>>,
  page: PageRequest,
  items: ReadonlyArray<{ readonly id: string }>,
): PageLink[] {
  const last = items.at(-1);
  if (last === undefined || items.length < page.limit) return [];
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker' || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
  }
  params.set('limit', String(page.limit));
  params.set('marker', last.id);
  return [{ rel: 'next', href: `${url}?${params.toString()}` }];
}

/**
 * One page of a list held in memory and ordered by `idOf`: the items after `marker`, at
 * most `page.limit`. A marker that names no item is the service's 400 (`missing`).
 */
export function pageAfter<T>(
  items: ReadonlyArray<T>,
  page: PageRequest,
  idOf: (item: T) => string,
  missing: (marker: string) => Error,
): T[] {
  let start = 0;
  if (page.marker !== undefined) {
    const at = items.findIndex((i) => idOf(i) === page.marker);
    if (at < 0) throw missing(page.marker);
    start = at + 1;
  }
  return items.slice(start, start + page.limit);
}
