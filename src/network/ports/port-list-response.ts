import { respond } from '../../common/http/http-response.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { Db } from '../../db/db-handle.js';
import type { DialectName } from '../../db/dialects.js';
import type { NetworkCaller } from '../network-context.js';
import { hiddenAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { portNotFound } from '../network-errors.js';
import type { ListQuery } from '../network-list.js';
import { pageLinks } from '../network-list.js';
import { portAttributeNames, portJsonWriter } from './port-json.js';
import { sqlitePortJson } from './port-json-sqlite.js';
import type { PageRequest, PortPage, PortSqlList, RenderedPort } from './port-list-sql.js';
import { listPortPage, listRenderedPortPage, listRenderedPorts } from './port-list-sql.js';
import { portDomains } from '../dns/dns-names.js';
import { allocationsOf } from './port-store.js';

/**
 * `GET /v2.0/ports` paged in SQL (port-list-sql.ts) and answered as JSON text: on SQLite
 * the database writes each port's JSON, elsewhere port-json.ts does; either way no port
 * object is built and stringified.
 */
export async function sqlPortList(
  ctx: RequestContext,
  deps: NetworkDeps,
  caller: NetworkCaller,
  q: ListQuery,
  plan: PortSqlList,
) {
  const db = deps.store.db;
  const r: PageRequest = {
    caller: { projectId: caller.projectId, all: caller.isAdmin },
    plan,
    limit: q.limit,
    marker: q.marker,
    missing: portNotFound,
  };
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  const sqlite = deps.store.traits.name === 'sqlite';
  // No limit: one page, no links, and SQLite can join the whole list itself.
  const whole = sqlite && q.limit === undefined && !q.pageReverse;
  if (whole) {
    const body = await wholeListBySqlite(db, deps.dnsDomain, caller, q, r);
    if (body !== undefined) return respond(body, { headers });
  }
  const page =
    (sqlite && !whole ? await renderedBySqlite(db, deps.dnsDomain, caller, q, r) : undefined) ??
    (await renderedInNode(db, deps.dnsDomain, deps.store.traits.name, caller, q, r));
  if (q.pageReverse) page.rows.reverse();
  const links = pageLinks(ctx.url, ctx.query, q, page.rows);
  const tail = links.length > 0 ? `],"ports_links":${JSON.stringify(links)}}` : ']}';
  const body = joinedJson('{"ports":[', page.rows, tail);
  return respond(body, { headers });
}

const comma = Buffer.from(',');

/** `head`, the ports' JSON comma-separated, `tail`: one copy of the bytes, no 10 MB string. */
function joinedJson(head: string, rows: ReadonlyArray<{ readonly json: Buffer }>, tail: string): Buffer {
  const parts: Buffer[] = [Buffer.from(head)];
  rows.forEach((p, i) => {
    if (i > 0) parts.push(comma);
    parts.push(p.json);
  });
  parts.push(Buffer.from(tail));
  return Buffer.concat(parts);
}

/**
 * The database renders with the attributes hidden from the caller on its own project; its
 * answer stands only if every owner of a port in it hides the same ones (always so under
 * the default policy, where binding attributes are admin-only), else Node renders per owner.
 */
function sqliteRendering(dnsDomain: string, caller: NetworkCaller, q: ListQuery) {
  const memo = new Map<string, string>();
  const hiddenFor = (projectId: string) => {
    let h = memo.get(projectId);
    if (h === undefined) {
      h = hiddenAttributes(caller, 'port', portAttributeNames, { project_id: projectId }).join('\n');
      memo.set(projectId, h);
    }
    return h;
  };
  const hidden = hiddenFor(caller.projectId ?? '');
  return {
    render: sqlitePortJson(q.fields, new Set(hidden === '' ? [] : hidden.split('\n')), dnsDomain),
    stands: (owners: ReadonlyArray<string>) => owners.every((p) => hiddenFor(p) === hidden),
  };
}

async function renderedBySqlite(
  db: Db,
  dnsDomain: string,
  caller: NetworkCaller,
  q: ListQuery,
  r: PageRequest,
): Promise<PortPage<RenderedPort> | undefined> {
  const { render, stands } = sqliteRendering(dnsDomain, caller, q);
  const page = await listRenderedPortPage(db, 'sqlite', r, render);
  return stands(page.rows.map((p) => p.project_id)) ? page : undefined;
}

/** The whole list's response body as SQLite wrote it, if its rendering stands. */
async function wholeListBySqlite(
  db: Db,
  dnsDomain: string,
  caller: NetworkCaller,
  q: ListQuery,
  r: PageRequest,
): Promise<Buffer | undefined> {
  const { render, stands } = sqliteRendering(dnsDomain, caller, q);
  const list = await listRenderedPorts(db, 'sqlite', r, render, { head: '{"ports":[', tail: ']}' });
  return stands(list.owners) ? list.body : undefined;
}

async function renderedInNode(
  db: Db,
  dnsDomain: string,
  dialect: DialectName,
  caller: NetworkCaller,
  q: ListQuery,
  r: PageRequest,
): Promise<PortPage<{ readonly id: string; readonly json: Buffer }>> {
  const page = await listPortPage(db, dialect, r);
  const [ips, domains] = await Promise.all([
    allocationsOf(db, page.rows),
    portDomains(
      db,
      page.rows.map((p) => p.network_id),
      dnsDomain,
    ),
  ]);
  const write = portJsonWriter(caller, q.fields, domains);
  return {
    more: page.more,
    rows: page.rows.map((p) => ({ id: p.id, json: Buffer.from(write(p, ips.get(p.id) ?? [])) })),
  };
}
