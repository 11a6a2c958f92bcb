import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { attributeFilter, callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { revisionConstraint } from '../network-revision.js';
import { allocationsOf } from '../ports/port-store.js';
import { tagFilters } from '../tags/tag-service.js';
import { routerNotFound } from './router-errors.js';
import { addRouterInterface, removeRouterInterface } from './router-interfaces.js';
import * as service from './router-service.js';
import type { RouterRow } from './router-store.js';
import { listRouterRows, portsById } from './router-store.js';
import { routerView } from './router-view.js';
import { routerInterfaceResponse, routerListResponse, routerResponse } from './router-response-schemas.js';

const sortable = new Set([
  'id',
  'name',
  'status',
  'admin_state_up',
  'project_id',
  'tenant_id',
  'created_at',
  'updated_at',
  'revision_number',
]);

const idOf = (ctx: RequestContext) => ctx.params['router_id']!;

async function render(deps: NetworkDeps, caller: NetworkCaller, rows: ReadonlyArray<RouterRow>) {
  const gws = await portsById(
    deps.store.db,
    rows.flatMap((r) => (r.gw_port_id === null ? [] : [r.gw_port_id])),
  );
  const ips = await allocationsOf(deps.store.db, [...gws.values()]);
  const visible = attributeFilter(caller, 'router');
  return rows.map((r) => {
    const port = r.gw_port_id === null ? undefined : gws.get(r.gw_port_id);
    const gw = port === undefined ? undefined : { port, ips: ips.get(port.id) ?? [] };
    return visible(routerView(r, gw), service.routerTarget(r));
  });
}

async function one(deps: NetworkDeps, ctx: RequestContext, row: RouterRow) {
  const [view] = await render(deps, callerOf(ctx), [row]);
  return { router: pickFields(view!, parseListQuery(ctx.query).fields) };
}

/** Loads the router for policy; an invisible one is a 404 before any rule runs. */
async function target(ctx: RequestContext, deps: NetworkDeps) {
  return service.routerTarget(await service.findRouter(deps.store.db, callerOf(ctx), idOf(ctx)));
}

export const routerRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/routers',
    policy: 'get_router',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: routerListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listRouterRows(deps.store.db, caller.projectId, caller.isAdmin);
      const { items, links } = applyList(await render(deps, caller, rows), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        special: tagFilters,
        markerMissing: routerNotFound,
      });
      return {
        routers: items.map((r) => pickFields(r, q.fields)),
        ...(links.length > 0 && { routers_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/routers',
    policy: 'create_router',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: routerResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      one(deps, ctx, await service.createRouter(deps, callerOf(ctx), resourceBody(ctx.body, 'router'))),
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/routers/:router_id',
    policy: 'get_router',
    target,
    successStatus: 200,
    response: routerResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(deps, ctx, await service.findRouter(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/routers/:router_id',
    policy: 'update_router',
    target,
    successStatus: 200,
    response: routerResponse,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      one(
        deps,
        ctx,
        await service.updateRouter(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'router'),
          revisionConstraint(ctx),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/routers/:router_id',
    policy: 'delete_router',
    target,
    successStatus: 204,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      service.deleteRouter(deps, callerOf(ctx), idOf(ctx), revisionConstraint(ctx)),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/routers/:router_id/add_router_interface',
    policy: 'add_router_interface',
    target,
    successStatus: 200,
    response: routerInterfaceResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => addRouterInterface(deps, callerOf(ctx), idOf(ctx), ctx.body),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/routers/:router_id/remove_router_interface',
    policy: 'remove_router_interface',
    target,
    successStatus: 200,
    response: routerInterfaceResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => removeRouterInterface(deps, callerOf(ctx), idOf(ctx), ctx.body),
  }),
];
