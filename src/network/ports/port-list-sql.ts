import type { Expression, RawBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../../db/dialects.js';
import type { Db } from '../../db/db-handle.js';
import type { NetworkCaller } from '../network-context.js';
import type { ListQuery } from '../network-list.js';
import type { ColumnFilter } from '../network-sql-filters.js';
import type { PortRow } from './port-store.js';

/**
 * `GET /v2.0/ports` paged in SQL: when every filter is a column match and every sort key a
 * column, the database filters, sorts and cuts the page (keyset after the marker), so
 * `?limit=1000` reads and renders a thousand ports, not all of them. Anything else
 * (tags, fixed_ips, attributes that are not columns) takes the in-memory path in
 * network-list.ts; both give the same answer, which port-list-paging.api.test.ts checks.
 */
export interface PortSqlList {
  readonly filters: ReadonlyArray<ColumnFilter>;
  /** Sort columns in page order, the `id` tie-break last (directions already flipped for page_reverse). */
  readonly order: ReadonlyArray<{ readonly column: string; readonly desc: boolean; readonly text: boolean }>;
}

interface SqlColumn {
  readonly column: string;
  readonly kind?: 'flag' | 'number';
  /** Admin-only attributes (hidden from others, so neither filtered nor sorted by for them). */
  readonly binding?: true;
}

/** View attributes that are plain columns, compared in SQL exactly as network-list.ts compares them. */
const columns: Readonly<Record<string, SqlColumn>> = {
  id: { column: 'id' },
  name: { column: 'name' },
  network_id: { column: 'network_id' },
  project_id: { column: 'project_id' },
  tenant_id: { column: 'project_id' },
  device_id: { column: 'device_id' },
  device_owner: { column: 'device_owner' },
  mac_address: { column: 'mac_address' },
  status: { column: 'status' },
  description: { column: 'description' },
  revision_number: { column: 'revision_number', kind: 'number' },
  admin_state_up: { column: 'admin_state_up', kind: 'flag' },
  dns_name: { column: 'dns_name' },
  'binding:host_id': { column: 'binding_host_id', binding: true },
};

/** The SQL plan for `q`, or undefined when some filter or sort key needs the rendered ports. */
export function portSqlList(
  q: ListQuery,
  caller: NetworkCaller,
  sortable: ReadonlySet<string>,
): PortSqlList | undefined {
  const seesBinding = caller.can('get_port:binding:host_id', { project_id: caller.projectId ?? '' });
  const usable = (key: string) => {
    const c = columns[key];
    return c !== undefined && (c.binding !== true || seesBinding) ? c : undefined;
  };
  const filters: ColumnFilter[] = [];
  for (const [key, wanted] of q.filters) {
    const c = usable(key);
    if (c === undefined || wanted.length === 0) return undefined;
    const values = c.kind === undefined ? wanted : flagOrNumberValues(c.kind, wanted);
    if (values === undefined) return undefined;
    filters.push({ column: c.column, values });
  }
  const order: Array<PortSqlList['order'][number]> = [];
  for (const s of q.sorts) {
    const c = usable(s.key);
    // Unsortable keys get their 400 from the in-memory path.
    if (c === undefined || !sortable.has(s.key)) return undefined;
    order.push({ column: c.column, desc: s.desc, text: c.kind === undefined });
  }
  if (!q.sorts.some((s) => s.key === 'id')) order.push({ column: 'id', desc: false, text: true });
  return { filters, order: q.pageReverse ? order.map((o) => ({ ...o, desc: !o.desc })) : order };
}

/** The rendered booleans match only `true`/`false`, any case; numbers match their decimal text. */
function flagOrNumberValues(kind: 'flag' | 'number', wanted: ReadonlyArray<string>): number[] | undefined {
  const out: number[] = [];
  for (const w of wanted) {
    if (kind === 'flag') {
      const v = w.toLowerCase();
      if (v !== 'true' && v !== 'false') return undefined;
      out.push(v === 'true' ? 1 : 0);
    } else {
      if (!/^(0|[1-9]\d*)$/.test(w)) return undefined;
      out.push(Number(w));
    }
  }
  return out;
}

/** Ports the caller may see: its own and those on its networks (all of them for admins). */
function visiblePorts(db: Db, projectId: string | undefined, all: boolean) {
  const q = db.selectFrom('ports');
  if (all) return q;
  return q
    .innerJoin('networks', 'networks.id', 'ports.network_id')
    .where((eb) =>
      eb.or([eb('ports.project_id', '=', projectId ?? ''), eb('networks.project_id', '=', projectId ?? '')]),
    );
}

export interface PortPage<R> {
  readonly rows: R[];
  /** More ports follow the page in its direction. */
  readonly more: boolean;
}

export interface PageRequest {
  readonly caller: { readonly projectId: string | undefined; readonly all: boolean };
  readonly plan: PortSqlList;
  readonly limit: number | undefined;
  readonly marker: string | undefined;
  readonly missing: (id: string) => Error;
}

/** A port rendered by the database (port-json-sqlite.ts), its JSON as UTF-8 bytes. */
export interface RenderedPort {
  readonly id: string;
  readonly project_id: string;
  readonly json: Buffer;
}

/** One page of whole port rows in the plan's order. */
export function listPortPage(db: Db, dialect: DialectName, r: PageRequest): Promise<PortPage<PortRow>> {
  return pageOf(db, dialect, r, (q) => q.selectAll('ports').execute() as Promise<PortRow[]>);
}

/**
 * One page of ports as JSON the database wrote with `render`. Read as a BLOB: the bytes
 * go to the socket as they are, with no JS string made per port, joined, and encoded
 * again to send (about half the time of a 10,000-port list, docs/benchmarks.md).
 */
export function listRenderedPortPage(
  db: Db,
  dialect: DialectName,
  r: PageRequest,
  render: RawBuilder<string>,
): Promise<PortPage<RenderedPort>> {
  const bytes = sql<Buffer>`CAST(${render} AS BLOB)`;
  return pageOf(db, dialect, r, (q) =>
    q.select(['ports.id', 'ports.project_id', bytes.as('json')]).execute(),
  );
}

/** A whole list (no limit) as the database joined it. */
export interface RenderedList {
  /** The response body: `frame.head`, the ports' JSON joined with commas, `frame.tail`, as UTF-8 bytes. */
  readonly body: Buffer;
  /** Each project owning a port of the list, once. */
  readonly owners: string[];
}

/**
 * Every port after the marker (no limit, so no more pages and no links) as the one BLOB
 * that SQLite joins while it renders, framed by `head` and `tail`: the bytes Node sends as
 * they are, with no Buffer per port and no copy to add the frame (each was several percent
 * of a 10,000-port list, docs/benchmarks.md). The outer aggregate reads the ordered
 * subquery as it comes (SQLite does not flatten an ordered subquery into an aggregate), so
 * the ports keep the plan's order; port-list-paging.api.test.ts compares that order with
 * the in-memory path's.
 */
export async function listRenderedPorts(
  db: Db,
  dialect: DialectName,
  r: PageRequest,
  render: RawBuilder<string>,
  frame: { readonly head: string; readonly tail: string },
): Promise<RenderedList> {
  const page = await pageOf(db, dialect, { ...r, limit: undefined }, (q) =>
    db
      .selectFrom(q.select(['ports.project_id', render.as('json')]).as('page'))
      .select([
        // concat skips the NULL group_concat of no ports.
        sql<Buffer>`CAST(concat(${frame.head}, group_concat(page.json, ','), ${frame.tail}) AS BLOB)`.as(
          'body',
        ),
        sql<string>`json_group_array(DISTINCT page.project_id)`.as('owners'),
      ])
      .execute(),
  );
  const row = page.rows[0]!;
  return { body: row.body, owners: JSON.parse(row.owners) as string[] };
}

type Paged = ReturnType<typeof visiblePorts>;

/**
 * Filters, orders and cuts a page, then lets `read` choose the columns. A marker the
 * caller cannot see, or that the column filters exclude, is `missing` (404), as it was
 * before lists paged in SQL.
 */
async function pageOf<R>(
  db: Db,
  dialect: DialectName,
  r: PageRequest,
  read: (q: Paged) => Promise<R[]>,
): Promise<PortPage<R>> {
  const base = () => {
    let q = visiblePorts(db, r.caller.projectId, r.caller.all);
    for (const f of r.plan.filters) q = q.where(sql.ref(`ports.${f.column}`), 'in', f.values);
    return q;
  };
  let after: PortRow | undefined;
  if (r.marker !== undefined) {
    after = (await base().selectAll('ports').where('ports.id', '=', r.marker).executeTakeFirst()) as
      PortRow | undefined;
    if (after === undefined) throw r.missing(r.marker);
  }
  let q = base();
  if (after !== undefined) q = q.where(keysetAfter(r.plan, dialect, after));
  for (const o of r.plan.order) q = q.orderBy(orderExpr(o, dialect), o.desc ? 'desc' : 'asc');
  if (r.limit !== undefined) q = q.limit(r.limit + 1);
  const rows = await read(q);
  const more = r.limit !== undefined && rows.length > r.limit;
  return { rows: more ? rows.slice(0, r.limit) : rows, more };
}

/** Text sorts by code point, as the in-memory path compares (PostgreSQL's locale would not). */
function orderExpr(o: PortSqlList['order'][number], dialect: DialectName): Expression<unknown> {
  const ref = sql.ref(`ports.${o.column}`);
  return o.text && dialect === 'postgres' ? sql`${ref} collate "C"` : ref;
}
/** Rows strictly after `m` in the plan's order: (k1 > m1) or (k1 = m1 and k2 > m2) or ... */
function keysetAfter(plan: PortSqlList, dialect: DialectName, m: PortRow) {
  const value = (column: string) => (m as unknown as Record<string, string | number>)[column]!;
  return sql<SqlBool>`(${sql.join(
    plan.order.map((o, i) => {
      const equal = plan.order.slice(0, i).map((p) => sql`${orderExpr(p, dialect)} = ${value(p.column)}`);
      const step = sql`${orderExpr(o, dialect)} ${sql.raw(o.desc ? '<' : '>')} ${value(o.column)}`;
      return sql`(${sql.join([...equal, step], sql` and `)})`;
    }),
    sql` or `,
  )})`;
}
