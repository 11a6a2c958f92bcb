import type { ListQuery } from './network-list.js';

/**
 * The list filters that are plain column equality, so a store can apply them in SQL
 * before rows are rendered (Nova asks `ports?device_id=` for every server). The rendered
 * rows are filtered again in memory, so a filter left out here only costs time.
 */
export interface ColumnFilter {
  readonly column: string;
  readonly values: ReadonlyArray<string | number>;
}

export function columnFilters(
  q: ListQuery,
  columns: Readonly<Record<string, { readonly column: string; readonly kind?: 'flag' }>>,
): ColumnFilter[] {
  const out: ColumnFilter[] = [];
  for (const [attr, wanted] of q.filters) {
    const c = columns[attr];
    if (c === undefined || wanted.length === 0) continue;
    if (c.kind === 'flag') {
      const flags = wanted
        .map((w) => w.toLowerCase())
        .map((w) => (w === 'true' || w === '1' ? 1 : w === 'false' || w === '0' ? 0 : -1));
      out.push({ column: c.column, values: flags });
    } else out.push({ column: c.column, values: wanted });
  }
  return out;
}
