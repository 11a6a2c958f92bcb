import { revisionConstraint } from '../network-revision.js';
import { columnFilters } from '../network-sql-filters.js';
import { tagFilters } from '../tags/tag-service.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { attributeFilter, callerOf } from '../network-context.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { networkNotFound } from '../network-errors.js';
import { resourceBody } from '../network-attributes.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import * as service from './network-service.js';
import type { NetworkRow } from './network-store.js';
import { listNetworkRows, subnetIdsOf } from './network-store.js';
import { networkAddressScopes } from '../address-scopes/address-scope-store.js';
import { networkTarget, networkView } from './network-view.js';
import { networkCreateResponse, networkListResponse, networkResponse } from './network-response-schemas.js';
import { bulkItems } from '../network-bulk.js';

const sortable = new Set([
  'id',
  'name',
  'status',
  'admin_state_up',
  'shared',
  'mtu',
  'project_id',
  'tenant_id',
  'router:external',
  'availability_zone_hints',
  'created_at',
  'updated_at',
  'revision_number',
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
]);

async function render(deps: NetworkDeps, caller: NetworkCaller, rows: ReadonlyArray<NetworkRow>) {
  const subnets = await subnetIdsOf(
    deps.store.db,
    rows.map((r) => r.id),
  );
  const scopes = await networkAddressScopes(
    deps.store.db,
    rows.map((r) => r.id),
  );
  const visible = attributeFilter(caller, 'network');
  return rows.map((r) =>
    visible(networkView(r, subnets.get(r.id) ?? [], scopes.get(r.id)), networkTarget(r)),
  );
}

async function one(deps: NetworkDeps, ctx: RequestContext, row: NetworkRow) {
  const [view] = await render(deps, callerOf(ctx), [row]);
  return { network: pickFields(view!, parseListQuery(ctx.query).fields) };
}

const idOf = (ctx: RequestContext) => ctx.params['network_id']!;

/** Filters applied in SQL (see network-sql-filters.ts); `shared` is per caller (RBAC), so in memory. */
const networkColumns = {
  id: { column: 'id' },
  name: { column: 'name' },
  project_id: { column: 'project_id' },
  tenant_id: { column: 'project_id' },
  'router:external': { column: 'external', kind: 'flag' },
  admin_state_up: { column: 'admin_state_up', kind: 'flag' },
  dns_domain: { column: 'dns_domain' },
} as const;

/** Loads the network for policy; an invisible one is a 404 before any rule runs. */
async function target(ctx: RequestContext, deps: NetworkDeps) {
  return networkTarget(await service.findNetwork(deps.store.db, callerOf(ctx), idOf(ctx)));
}

export const networkRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/networks',
    policy: 'get_network',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: networkListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listNetworkRows(
        deps.store.db,
        caller.projectId,
        caller.isAdmin,
        columnFilters(q, networkColumns),
      );
      const { items, links } = applyList(await render(deps, caller, rows), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        special: tagFilters,
        markerMissing: networkNotFound,
      });
      return {
        networks: items.map((n) => pickFields(n, q.fields)),
        ...(links.length > 0 && { networks_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/networks',
    policy: 'create_network',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: networkCreateResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      const items = bulkItems(ctx.body, 'network', 'networks');
      if (items === undefined)
        return one(
          deps,
          ctx,
          await service.createNetwork(deps, callerOf(ctx), resourceBody(ctx.body, 'network')),
        );
      const rows = await service.createNetworks(deps, callerOf(ctx), items);
      const fields = parseListQuery(ctx.query).fields;
      return { networks: (await render(deps, callerOf(ctx), rows)).map((v) => pickFields(v, fields)) };
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/networks/:network_id',
    policy: 'get_network',
    target,
    successStatus: 200,
    response: networkResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(deps, ctx, await service.findNetwork(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/networks/:network_id',
    policy: 'update_network',
    target,
    successStatus: 200,
    response: networkResponse,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      one(
        deps,
        ctx,
        await service.updateNetwork(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'network'),
          revisionConstraint(ctx),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/networks/:network_id',
    policy: 'delete_network',
    target,
    successStatus: 204,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      service.deleteNetwork(deps, callerOf(ctx), idOf(ctx), revisionConstraint(ctx)),
  }),
];
