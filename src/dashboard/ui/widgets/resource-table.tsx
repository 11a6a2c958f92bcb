import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { serviceCall } from '../api.js';
import type { Session } from '../session.js';
import { usePoll } from '../use-poll.js';
import { ErrorAlert } from './error-alert.js';

type Row = Record<string, unknown>;

export interface Column {
  readonly key: string;
  readonly label: string;
  /** Sortable through the API's own sort parameter. */
  readonly sort?: boolean;
  readonly render?: (row: Row) => ComponentChildren;
}

/** How a service spells sorting and paging: Nova/Neutron/Glance, Cinder, or Keystone (none). */
export type ApiStyle = 'sort_key' | 'cinder' | 'plain';

export interface ResourceTableProps {
  readonly session: Session;
  readonly title: string;
  readonly service: string;
  readonly path: string;
  readonly collection: string;
  readonly columns: ReadonlyArray<Column>;
  readonly style: ApiStyle;
  /** The query parameter that filters by name (Keystone and the others all call it name). */
  readonly filter?: string;
  readonly idKey?: string;
  /** Unwraps an item the API nests (Nova's key pairs come as {keypair: {...}}). */
  readonly rowOf?: (item: Row) => Row;
  readonly everyMs?: number;
  readonly actions?: (row: Row, refresh: () => void) => ComponentChildren;
  readonly children?: (refresh: () => void) => ComponentChildren;
}

const pageSize = 20;

function queryOf(p: ResourceTableProps, filter: string, sort: { key: string; dir: string }, marker?: string) {
  const q = new URLSearchParams();
  if (filter !== '' && p.filter !== undefined) q.set(p.filter, filter);
  if (p.style === 'plain') return q;
  q.set('limit', String(pageSize));
  if (marker !== undefined) q.set('marker', marker);
  if (sort.key === '') return q;
  if (p.style === 'cinder') q.set('sort', `${sort.key}:${sort.dir}`);
  else {
    q.set('sort_key', sort.key);
    q.set('sort_dir', sort.dir);
  }
  return q;
}

/**
 * A page listing one collection of an OpenStack API: filtering, sorting and paging go
 * to the API as its own parameters (limit/marker, sort_key/sort_dir or sort=key:dir).
 */
export function ResourceTable(p: ResourceTableProps) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState({ key: '', dir: 'asc' });
  const [markers, setMarkers] = useState<string[]>([]);
  const idKey = p.idKey ?? 'id';
  const list = usePoll(
    async () => {
      const q = queryOf(p, filter, sort, markers.at(-1));
      const sep = p.path.includes('?') ? '&' : '?';
      const body = await serviceCall<Row>(p.session, p.service, `${p.path}${sep}${q}`);
      const items = (body[p.collection] ?? []) as Row[];
      return { rows: p.rowOf ? items.map(p.rowOf) : items, next: hasNext(body, p.collection) };
    },
    [p.session.token, p.path, filter, sort, markers],
    p.everyMs,
  );
  const rows = list.data?.rows ?? [];
  const sortBy = (key: string) => (
    setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' })),
    setMarkers([])
  );
  const slug = p.title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section aria-labelledby={`${slug}-title`}>
      <h2 id={`${slug}-title`}>{p.title}</h2>
      {p.children?.(list.refresh)}
      {p.filter !== undefined && (
        <label>
          Filter by name{' '}
          <input
            type="search"
            value={filter}
            onInput={(e) => (setFilter((e.target as HTMLInputElement).value), setMarkers([]))}
          />
        </label>
      )}
      <ErrorAlert error={list.error} />
      <table>
        <thead>
          <tr>
            {p.columns.map((c) => (
              <th
                key={c.key}
                aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sort === true && p.style !== 'plain' ? (
                  <button type="button" onClick={() => sortBy(c.key)}>
                    {c.label}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
            {p.actions !== undefined && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r[idKey])} data-id={String(r[idKey])}>
              {p.columns.map((c) => (
                <td key={c.key}>{c.render ? c.render(r) : cell(r[c.key])}</td>
              ))}
              {p.actions !== undefined && <td>{p.actions(r, list.refresh)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {p.style !== 'plain' && (
        <nav aria-label="Pages">
          <button
            type="button"
            disabled={markers.length === 0}
            onClick={() => setMarkers((m) => m.slice(0, -1))}
          >
            Previous
          </button>
          <button
            type="button"
            disabled={list.data?.next !== true}
            onClick={() => {
              const last = rows.at(-1);
              if (last !== undefined) setMarkers((m) => [...m, String(last[idKey])]);
            }}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

/** A next page exists when the API links one (Nova, Neutron, Cinder) or gives a next URL (Glance). */
function hasNext(body: Row, collection: string): boolean {
  const links = (body[`${collection}_links`] ?? []) as Array<{ rel: string }>;
  return links.some((l) => l.rel === 'next') || typeof body['next'] === 'string';
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
