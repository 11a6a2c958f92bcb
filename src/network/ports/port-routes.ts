import { revisionConstraint } from '../network-revision.js';
import { columnFilters } from '../network-sql-filters.js';
import { tagFilters } from '../tags/tag-service.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { attributeFilter, callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { portNotFound } from '../network-errors.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { sqlPortList } from './port-list-response.js';
import { portSqlList } from './port-list-sql.js';
import * as service from './port-service.js';
import type { AllocationRow, PortRow } from './port-store.js';
import { allocationsOf, listPortRows } from './port-store.js';
import { portDomains } from '../dns/dns-names.js';
import { portView } from './port-view.js';
import { portCreateResponse, portListResponse, portResponse } from './port-response-schemas.js';
import { bulkItems } from '../network-bulk.js';
import { createPorts } from './port-bulk.js';

const sortable = new Set([
  'id',
  'name',
  'network_id',
  'mac_address',
  'admin_state_up',
  'status',
  'device_id',
  'device_owner',
  'project_id',
  'tenant_id',
  'created_at',
  'updated_at',
  'revision_number',
  'binding:host_id',
]);

const idOf = (ctx: RequestContext) => ctx.params['port_id']!;

/** Filters applied in SQL (see network-sql-filters.ts). */
const portColumns = {
  id: { column: 'id' },
  name: { column: 'name' },
  network_id: { column: 'network_id' },
  project_id: { column: 'project_id' },
  tenant_id: { column: 'project_id' },
  device_id: { column: 'device_id' },
  device_owner: { column: 'device_owner' },
  mac_address: { column: 'mac_address' },
  status: { column: 'status' },
  'binding:host_id': { column: 'binding_host_id' },
  dns_name: { column: 'dns_name' },
  admin_state_up: { column: 'admin_state_up', kind: 'flag' },
} as const;

async function render(
  deps: NetworkDeps,
  caller: NetworkCaller,
  rows: ReadonlyArray<PortRow>,
  known?: ReadonlyMap<string, ReadonlyArray<AllocationRow>>,
) {
  const [ips, domains] = await Promise.all([
    known ?? allocationsOf(deps.store.db, rows),
    portDomains(
      deps.store.db,
      rows.map((r) => r.network_id),
      deps.dnsDomain,
    ),
  ]);
  // Binding attributes are admin-only reads; the rule needs no per-port target.
  const visible = attributeFilter(caller, 'port');
  return rows.map((r) =>
    visible(portView(r, ips.get(r.id) ?? [], domains.get(r.network_id) ?? deps.dnsDomain), {
      project_id: r.project_id,
    }),
  );
}

async function one(deps: NetworkDeps, ctx: RequestContext, row: PortRow, ips?: ReadonlyArray<AllocationRow>) {
  const [view] = await render(deps, callerOf(ctx), [row], ips && new Map([[row.id, ips]]));
  return { port: pickFields(view!, parseListQuery(ctx.query).fields) };
}

/** A bulk create's answer, in the order the ports were asked for. */
async function many(deps: NetworkDeps, ctx: RequestContext, created: ReadonlyArray<service.CreatedPort>) {
  const known = new Map(created.map((c) => [c.row.id, c.allocations]));
  const views = await render(
    deps,
    callerOf(ctx),
    created.map((c) => c.row),
    known,
  );
  const fields = parseListQuery(ctx.query).fields;
  return { ports: views.map((v) => pickFields(v, fields)) };
}

async function target(ctx: RequestContext, deps: NetworkDeps) {
  return service.portTarget(deps.store.db, await service.findPort(deps.store.db, callerOf(ctx), idOf(ctx)));
}

/** `fixed_ips=ip_address=10.0.0.3` and `fixed_ips=subnet_id=<id>`, any of them. */
function fixedIpsFilter(row: Record<string, unknown>, wanted: ReadonlyArray<string>): boolean {
  const ips = (row['fixed_ips'] ?? []) as Array<Record<string, string>>;
  return wanted.every((w) => {
    const [k, v] = w.split('=', 2);
    return ips.some((ip) => k !== undefined && ip[k] === v);
  });
}

export const portRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/ports',
    policy: 'get_port',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: portListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const plan = portSqlList(q, caller, sortable);
      if (plan !== undefined) return sqlPortList(ctx, deps, caller, q, plan);
      const rows = await listPortRows(
        deps.store.db,
        caller.projectId,
        caller.isAdmin,
        columnFilters(q, portColumns),
      );
      const { items, links } = applyList(await render(deps, caller, rows), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        special: { ...tagFilters, fixed_ips: fixedIpsFilter },
        markerMissing: portNotFound,
      });
      return {
        ports: items.map((p) => pickFields(p, q.fields)),
        ...(links.length > 0 && { ports_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/ports',
    policy: 'create_port',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: portCreateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const items = bulkItems(ctx.body, 'port', 'ports');
      if (items !== undefined) return many(deps, ctx, await createPorts(deps, callerOf(ctx), items));
      const created = await service.createPort(deps, callerOf(ctx), resourceBody(ctx.body, 'port'));
      return one(deps, ctx, created.row, created.allocations);
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/ports/:port_id',
    policy: 'get_port',
    target,
    successStatus: 200,
    response: portResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(deps, ctx, await service.findPort(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/ports/:port_id',
    policy: 'update_port',
    target,
    successStatus: 200,
    response: portResponse,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      one(
        deps,
        ctx,
        await service.updatePort(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'port'),
          revisionConstraint(ctx),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/ports/:port_id',
    policy: 'delete_port',
    target,
    successStatus: 204,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) => service.deletePort(deps, callerOf(ctx), idOf(ctx), revisionConstraint(ctx)),
  }),
];
