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
import { listPortPage, listRenderedPortPage, sqliteRenderedPortList } from './port-list-sql.js';
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
  const sqlite = deps.store.traits.name === 'sqlite';
  // page_reverse flips the plan's order; a whole list comes back in the unflipped one.
  if (sqlite && q.limit === undefined && !q.pageReverse) {
    const whole = await wholeBySqlite(db, caller, q, r);
    if (whole !== undefined) return respond(whole, { headers: json });
  }
  const page =
    (sqlite ? await renderedBySqlite(db, caller, q, r) : undefined) ??
    (await renderedInNode(db, deps.store.traits.name, caller, q, r));
  if (q.pageReverse) page.rows.reverse();
  const links = pageLinks(ctx.url, ctx.query, q, page.rows, page.more);
  const ports = page.rows.map((p) => p.json).join(',');
  const body = `{"ports":[${ports}]${links.length > 0 ? `,"ports_links":${JSON.stringify(links)}` : ''}}`;
  return respond(body, { headers: json });
}

const json = { 'content-type': 'application/json; charset=utf-8' };

/** The attributes hidden from the caller on one owner's ports, memoized per owner. */
function hiddenByOwner(caller: NetworkCaller) {
  const memo = new Map<string, string>();
  return (projectId: string) => {
    let h = memo.get(projectId);
    if (h === undefined) {
      h = hiddenAttributes(caller, 'port', portAttributeNames, { project_id: projectId }).join('\n');
      memo.set(projectId, h);
    }
    return h;
  };
}

/** The JSON SQLite writes with the attributes the caller may not read on its own project left out. */
function sqliteRender(q: ListQuery, hidden: string) {
  return sqlitePortJson(q.fields, new Set(hidden === '' ? [] : hidden.split('\n')));
}

/** A list without a limit, as one document; kept only if every owner hides the same attributes. */
async function wholeBySqlite(db: Db, caller: NetworkCaller, q: ListQuery, r: PageRequest) {
  const hiddenFor = hiddenByOwner(caller);
  const hidden = hiddenFor(caller.projectId ?? '');
  const whole = await sqliteRenderedPortList(db, r, sqliteRender(q, hidden));
  return whole.owners.every((o) => hiddenFor(o) === hidden) ? whole.body : undefined;
}

/**
 * The database renders with the attributes hidden from the caller on its own project; the
 * page stands only if every owner on it hides the same ones (always so under the default
 * policy, where binding attributes are admin-only), else Node renders it per owner.
 */
async function renderedBySqlite(
  db: Db,
  caller: NetworkCaller,
  q: ListQuery,
  r: PageRequest,
): Promise<PortPage<RenderedPort> | undefined> {
  const hiddenFor = hiddenByOwner(caller);
  const hidden = hiddenFor(caller.projectId ?? '');
  const render = sqliteRender(q, hidden);
  const page = await listRenderedPortPage(db, 'sqlite', r, render);
  return page.rows.every((p) => hiddenFor(p.project_id) === hidden) ? page : undefined;
}

async function renderedInNode(
  db: Db,
  dialect: DialectName,
  caller: NetworkCaller,
  q: ListQuery,
  r: PageRequest,
): Promise<PortPage<{ readonly id: string; readonly json: string }>> {
  const page = await listPortPage(db, dialect, r);
  const ips = await allocationsOf(db, page.rows);
  const write = portJsonWriter(caller, q.fields);
  return { more: page.more, rows: page.rows.map((p) => ({ id: p.id, json: write(p, ips.get(p.id) ?? []) })) };
}
