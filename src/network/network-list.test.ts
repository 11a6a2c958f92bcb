import { describe, expect, it } from 'vitest';
import { applyList, parseListQuery, pickFields } from './network-list.js';

const rows = [
  { id: 'a', name: 'x', admin_state_up: true, tags: ['t1'] },
  { id: 'b', name: 'y', admin_state_up: false, tags: [] },
  { id: 'c', name: 'x', admin_state_up: true, tags: ['t1', 't2'] },
];
const opts = (query: Record<string, unknown>) => ({
  url: 'http://h/network/v2.0/things',
  query,
  sortable: new Set(['id', 'name']),
  markerMissing: (id: string) => new Error(`missing ${id}`),
});
const run = (query: Record<string, unknown>) => applyList(rows, parseListQuery(query), opts(query));

describe('Neutron list semantics', () => {
  it('filters by attributes, booleans as Python prints them, repeated values as any of them', () => {
    expect(run({ name: 'x' }).items.map((r) => r.id)).toEqual(['a', 'c']);
    expect(run({ admin_state_up: 'False' }).items.map((r) => r.id)).toEqual(['b']);
    expect(run({ name: ['x', 'y'], id: ['b', 'c'] }).items.map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('sorts by keys with id last, and refuses keys that do not sort', () => {
    expect(run({ sort_key: 'name', sort_dir: 'desc' }).items.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(() => run({ sort_key: 'tags' })).toThrow('tags is invalid attribute for sort_key');
    expect(() => run({ sort_key: ['name', 'id'], sort_dir: 'asc' })).toThrow(
      'The number of sort_keys and sort_dirs must be same',
    );
  });

  it('pages with next and previous links, and reverses pages', () => {
    const first = run({ limit: '2' });
    expect(first.items.map((r) => r.id)).toEqual(['a', 'b']);
    // Neutron does not look past a page: a full first page links both ways.
    expect(first.links).toEqual([
      { rel: 'next', href: 'http://h/network/v2.0/things?limit=2&marker=b' },
      { rel: 'previous', href: 'http://h/network/v2.0/things?limit=2&marker=a&page_reverse=True' },
    ]);
    const second = run({ limit: '2', marker: 'b' });
    expect(second.items.map((r) => r.id)).toEqual(['c']);
    expect(second.links).toEqual([
      { rel: 'previous', href: 'http://h/network/v2.0/things?limit=2&marker=c&page_reverse=True' },
    ]);
    const back = run({ limit: '2', marker: 'c', page_reverse: 'True' });
    expect(back.items.map((r) => r.id)).toEqual(['a', 'b']);
    expect(() => run({ marker: 'zz' })).toThrow('missing zz');
    expect(() => run({ limit: '-1' })).toThrow("Limit must be an integer 0 or greater and not '-1'");
  });

  it('keeps only the asked-for fields', () => {
    expect(pickFields(rows[0]!, parseListQuery({ fields: ['id', 'name'] }).fields)).toEqual({
      id: 'a',
      name: 'x',
    });
    expect(pickFields(rows[0]!, [])).toBe(rows[0]);
  });
});
