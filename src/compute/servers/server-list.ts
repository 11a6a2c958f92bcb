import { markerNotFound } from '../compute-paging.js';
import { ForbiddenError, InputError } from '../../common/errors.js';
import { atLeast } from '../../common/http/microversion.js';
import { parseIsoTime } from '../../common/time.js';
import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { strictBoolean } from '../flavors/flavor-service.js';
import { callerOf } from './server-caller.js';
import type { Caller } from './server-inputs.js';
import type { ServerFilter, ServerPage } from './server-query.js';
import { listServers } from './server-query.js';
import { findServer } from './server-service.js';
import type { StatusClause } from './server-status.js';
import { statusClauses } from './server-status.js';
import { serverDetailView, serverSummaryView } from './server-view.js';
import { serverViewContext } from './server-view-context.js';

const sortKeys = [
  'created_at',
  'updated_at',
  'display_name',
  'uuid',
  'vm_state',
  'launched_at',
  'host',
] as const;
const csv = (v: unknown) => (typeof v === 'string' && v !== '' ? v.split(',') : undefined);

/** GET /servers and /servers/detail: the caller's project, or every project for an admin asking all_tenants. */
export async function listServersRoute(ctx: RequestContext, deps: ComputeDeps, detail: boolean) {
  const q = ctx.query;
  const filter = serverFilter(ctx, callerOf(ctx), detail);
  // A status no server can have lists nothing, as Nova does before 2.38.
  if (filter === undefined) return { servers: [] };
  const pageReq = parsePageRequest(q, 1000);
  const page: ServerPage = {
    limit: pageReq.limit,
    sortKey: pickSortKey(q['sort_key']),
    sortDir: q['sort_dir'] === 'asc' ? 'asc' : 'desc',
    ...(pageReq.marker !== undefined && { marker: await markerServer(deps, ctx, pageReq.marker) }),
  };
  const servers = await listServers(deps.store.db, deps.store.traits.name, filter, page).catch(
    (err: unknown) => {
      // PostgreSQL's regular expressions refuse a few patterns JavaScript takes (named groups).
      throw deps.store.traits.isInvalidRegex(err) ? badNameFilter(filter.name ?? '') : err;
    },
  );
  const view = detail
    ? await serverViewContext(ctx, deps, servers)
    : { serviceUrl: ctx.serviceUrl, isAdmin: false };
  const links = nextPageLinks(ctx.url, q, pageReq, servers);
  return {
    servers: servers.map((s) => (detail ? serverDetailView(s, view) : serverSummaryView(s, view))),
    ...(links.length > 0 && { servers_links: links }),
  };
}

/**
 * Nova's is_all_tenants: present with no value means yes; a value is read strictly, and
 * anything but oslo's booleans is a 400.
 */
function wantsAllTenants(v: unknown): boolean {
  if (v === undefined) return false;
  if (v === '') return true;
  const parsed = strictBoolean(String(v));
  if (parsed === undefined)
    throw new InputError(
      'compute.server.bad_all_tenants',
      `Invalid input received: Unrecognized value '${String(v)}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`,
    );
  return parsed;
}

/** The query as a filter the caller may use; undefined when nothing can match. */
function serverFilter(ctx: RequestContext, caller: Caller, detail: boolean): ServerFilter | undefined {
  const q = ctx.query;
  const allTenants = wantsAllTenants(q['all_tenants']);
  if (allTenants) ctx.authorize(`os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`, {});
  const changesSince = typeof q['changes-since'] === 'string' ? parseTime(q['changes-since']) : undefined;
  const statuses = typeof q['status'] === 'string' ? statusClauses(q['status']) : undefined;
  if (statuses?.length === 0) {
    // 2.38: an unknown status is refused; before, it lists nothing.
    if (atLeast(ctx.microversion, [2, 38]))
      throw new InputError('compute.server.bad_status', 'Invalid status value');
    return undefined;
  }
  const rows = deletedRows(q, caller, statuses);
  return {
    ...(!allTenants && { projectId: caller.projectId }),
    ...(allTenants && typeof q['project_id'] === 'string' && { projectId: q['project_id'] }),
    ...(typeof q['name'] === 'string' && { name: namePattern(q['name']) }),
    ...(statuses !== undefined && { statuses }),
    // Deleted rows are the ones in vm_state deleted: the deletion sets both at once.
    ...(rows === 'only' && { vmStates: ['deleted'] }),
    ...(typeof q['image'] === 'string' && { imageId: q['image'].split('/').at(-1)! }),
    ...(typeof q['flavor'] === 'string' && { flavorId: q['flavor'].split('/').at(-1)! }),
    ...(caller.isAdmin && typeof q['host'] === 'string' && { host: q['host'] }),
    ...(typeof q['availability_zone'] === 'string' && { availabilityZone: q['availability_zone'] }),
    ...(typeof q['reservation_id'] === 'string' && { reservationId: q['reservation_id'] }),
    ...(changesSince !== undefined && { changesSince }),
    ...(atLeast(ctx.microversion, [2, 26]) && tagFilters(q)),
    includeDeleted: rows !== 'live',
  };
}

/**
 * Live rows, deleted ones too, or only deleted ones, as Nova decides: `deleted` counts for
 * admins only (oslo's bool_from_string, anything unknown false), status=DELETED means
 * deleted=True and is refused to others, and changes-since alone includes deleted rows.
 */
function deletedRows(
  q: Readonly<Record<string, unknown>>,
  caller: Caller,
  statuses: ReadonlyArray<StatusClause> | undefined,
): 'live' | 'all' | 'only' {
  if (statuses?.length === 1 && statuses[0]!.vmState === 'deleted') {
    if (!caller.isAdmin)
      throw new ForbiddenError(
        'compute.server.list_deleted',
        'Only administrators may list deleted instances',
      );
    return 'only';
  }
  if (caller.isAdmin && typeof q['deleted'] === 'string')
    return strictBoolean(q['deleted']) ? 'only' : 'live';
  return q['changes-since'] !== undefined ? 'all' : 'live';
}

/** 2.26: comma-separated tag lists (below 2.26 Nova ignores them). */
function tagFilters(q: Readonly<Record<string, unknown>>): Partial<ServerFilter> {
  return {
    ...(csv(q['tags']) && { tags: csv(q['tags'])! }),
    ...(csv(q['tags-any']) && { tagsAny: csv(q['tags-any'])! }),
    ...(csv(q['not-tags']) && { notTags: csv(q['not-tags'])! }),
    ...(csv(q['not-tags-any']) && { notTagsAny: csv(q['not-tags-any'])! }),
  };
}

function pickSortKey(v: unknown): ServerPage['sortKey'] {
  if (v === undefined) return 'created_at';
  if (!(sortKeys as ReadonlyArray<unknown>).includes(v))
    throw new InputError('compute.server.bad_sort_key', `Invalid sort_key: ${String(v)}`);
  return v as ServerPage['sortKey'];
}

/**
 * The name filter is a regular expression; one that does not compile is refused here (Nova
 * would fail in its database with a 500), worded as Nova's query schema words a bad value.
 */
function namePattern(v: string): string {
  try {
    new RegExp(v);
  } catch {
    throw badNameFilter(v);
  }
  return v;
}

function badNameFilter(v: string): InputError {
  return new InputError(
    'compute.server.bad_name_filter',
    `Invalid input for query parameters name. Value: ${v}. '${v}' is not a valid regular expression`,
  );
}

/** Nova's query schema checks changes-since as a `date-time` and words the 400 as jsonschema does. */
function parseTime(v: string): string {
  const iso = parseIsoTime(v);
  if (iso === undefined)
    throw new InputError(
      'compute.server.bad_changes_since',
      `Invalid input for query parameters changes-since. Value: ${v}. '${v}' is not a 'date-time'`,
    );
  return iso;
}

async function markerServer(deps: ComputeDeps, ctx: RequestContext, id: string) {
  try {
    return await findServer(deps, callerOf(ctx), id);
  } catch {
    throw markerNotFound(id);
  }
}
