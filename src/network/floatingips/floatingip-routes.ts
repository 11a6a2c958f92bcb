import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { revisionConstraint } from '../network-revision.js';
import { floatingIpNotFound } from '../routers/router-errors.js';
import { tagFilters } from '../tags/tag-service.js';
import * as service from './floatingip-service.js';
import type { FloatingIpRow } from './floatingip-store.js';
import { listFloatingIpRows } from './floatingip-store.js';
import { floatingIpView } from './floatingip-view.js';
import { portDetailsOf } from './floatingip-port-details.js';
import { floatingIpListResponse, floatingIpResponse } from './floatingip-response-schemas.js';

const sortable = new Set([
  'id',
  'floating_ip_address',
  'floating_network_id',
  'router_id',
  'fixed_ip_address',
  'status',
  'project_id',
  'tenant_id',
  'created_at',
  'updated_at',
  'revision_number',
]);

const idOf = (ctx: RequestContext) => ctx.params['floatingip_id']!;

/** The rows' views with the associated ports' details (fip-port-details). */
async function render(deps: NetworkDeps, rows: ReadonlyArray<FloatingIpRow>) {
  const ports = await portDetailsOf(deps.store.db, rows);
  return rows.map((r) =>
    floatingIpView(r, r.fixed_port_id === null ? undefined : ports.get(r.fixed_port_id)),
  );
}

async function one(deps: NetworkDeps, ctx: RequestContext, row: FloatingIpRow) {
  const [view] = await render(deps, [row]);
  return { floatingip: pickFields(view!, parseListQuery(ctx.query).fields) };
}

async function target(ctx: RequestContext, deps: NetworkDeps) {
  return service.floatingIpTarget(await service.findFloatingIp(deps.store.db, callerOf(ctx), idOf(ctx)));
}

export const floatingIpRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/floatingips',
    policy: 'get_floatingip',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: floatingIpListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listFloatingIpRows(deps.store.db, caller.projectId, caller.isAdmin);
      const { items, links } = applyList(await render(deps, rows), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        special: tagFilters,
        markerMissing: floatingIpNotFound,
      });
      return {
        floatingips: items.map((f) => pickFields(f, q.fields)),
        ...(links.length > 0 && { floatingips_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/floatingips',
    policy: 'create_floatingip',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: floatingIpResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      one(
        deps,
        ctx,
        await service.createFloatingIp(deps, callerOf(ctx), resourceBody(ctx.body, 'floatingip')),
      ),
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/floatingips/:floatingip_id',
    policy: 'get_floatingip',
    target,
    successStatus: 200,
    response: floatingIpResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(deps, ctx, await service.findFloatingIp(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/floatingips/:floatingip_id',
    policy: 'update_floatingip',
    target,
    successStatus: 200,
    response: floatingIpResponse,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      one(
        deps,
        ctx,
        await service.updateFloatingIp(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'floatingip'),
          revisionConstraint(ctx),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/floatingips/:floatingip_id',
    policy: 'delete_floatingip',
    target,
    successStatus: 204,
    expectedErrors: [404, 412],
    handler: async (ctx, deps) =>
      service.deleteFloatingIp(deps, callerOf(ctx), idOf(ctx), revisionConstraint(ctx)),
  }),
];
