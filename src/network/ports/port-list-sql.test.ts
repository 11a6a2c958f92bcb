import { describe, expect, it } from 'vitest';
import type { NetworkCaller } from '../network-context.js';
import { parseListQuery } from '../network-list.js';
import { portSqlList } from './port-list-sql.js';

const sortable = new Set([
  'id',
  'name',
  'admin_state_up',
  'binding:host_id',
  'created_at',
  'revision_number',
]);
const caller = (admin: boolean): NetworkCaller => ({
  projectId: 'p',
  isAdmin: admin,
  can: (rule) => admin || !rule.startsWith('get_port:binding:'),
});
const plan = (query: Record<string, unknown>, admin = false) =>
  portSqlList(parseListQuery(query), caller(admin), sortable);

describe('which port lists page in SQL', () => {
  it('takes column filters and sorts, with id breaking ties and page_reverse flipping every key', () => {
    expect(plan({ name: ['a', 'b'], admin_state_up: 'False', sort_key: 'name', sort_dir: 'desc' })).toEqual({
      filters: [
        { column: 'name', values: ['a', 'b'] },
        { column: 'admin_state_up', values: [0] },
      ],
      order: [
        { column: 'name', desc: true, text: true },
        { column: 'id', desc: false, text: true },
      ],
    });
    expect(plan({ sort_key: ['revision_number', 'id'], page_reverse: 'True' })?.order).toEqual([
      { column: 'revision_number', desc: true, text: false },
      { column: 'id', desc: true, text: true },
    ]);
    expect(plan({ 'binding:host_id': 'h', sort_key: 'binding:host_id' }, true)).toBeDefined();
  });

  it('leaves to the in-memory path what SQL would answer differently', () => {
    for (const query of [
      { tags: 'red' },
      { fixed_ips: 'ip_address=10.0.0.3' },
      { unknown_attribute: 'x' },
      { admin_state_up: '1' },
      { revision_number: '01' },
      { sort_key: 'created_at' },
      { sort_key: 'description' },
      { 'binding:host_id': 'h' },
      { sort_key: 'binding:host_id' },
    ])
      expect(plan(query), JSON.stringify(query)).toBeUndefined();
  });
});
