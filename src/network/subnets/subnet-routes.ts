import { revisionConstraint } from '../network-revision.js';
import { tagFilters } from '../tags/tag-service.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody, toBoolean } from '../network-attributes.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { subnetNotFound } from '../network-errors.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import * as service from './subnet-service.js';
import { listSubnetRows, sharedNetworkIds } from './subnet-store.js';
import type { SubnetRow } from './subnet-store.js';
import { subnetView } from './subnet-view.js';
import { subnetCreateResponse, subnetListResponse, subnetResponse } from './subnet-response-schemas.js';
import { bulkItems } from '../network-bulk.js';

const sortable = new Set([
  'id',
  'name',
  'ip_version',
  'network_id',
  'cidr',
  'gateway_ip',
  'enable_dhcp',
  'project_id',
  'tenant_id',
  'ipv6_ra_mode',
  'ipv6_address_mode',
  'created_at',
  'updated_at',
  'revision_number',
]);

const idOf = (ctx: RequestContext) => ctx.params['subnet_id']!;
const one = (ctx: RequestContext, row: SubnetRow) => ({
  subnet: pickFields(subnetView(row), parseListQuery(ctx.query).fields),
});

async function target(ctx: RequestContext, deps: NetworkDeps) {
  const caller = callerOf(ctx);
  return service.subnetTarget(
    deps.store.db,
    await service.findSubnet(deps.store.db, caller, idOf(ctx)),
    caller.projectId,
  );
}

export const subnetRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/subnets',
    policy: 'get_subnet',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: subnetListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listSubnetRows(deps.store.db, caller.projectId, caller.isAdmin);
      const shared =
        'shared' in ctx.query ? await sharedNetworkIds(deps.store.db, caller.projectId) : undefined;
      const { items, links } = applyList(rows.map(subnetView), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        special: {
          ...tagFilters,
          shared: (s, wanted) => wanted.some((w) => toBoolean(w) === shared!.has(s['network_id'] as string)),
        },
        markerMissing: subnetNotFound,
      });
      return {
        subnets: items.map((s) => pickFields(s, q.fields)),
        ...(links.length > 0 && { subnets_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/subnets',
    policy: 'create_subnet',
    target: (ctx) => ({ project_id: ctx.auth.projectId, 'network:project_id': ctx.auth.projectId }),
    successStatus: 201,
    response: subnetCreateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const items = bulkItems(ctx.body, 'subnet', 'subnets');
      if (items === undefined)
        return one(ctx, await service.createSubnet(deps, callerOf(ctx), resourceBody(ctx.body, 'subnet')));
      const fields = parseListQuery(ctx.query).fields;
      const rows = await service.createSubnets(deps, callerOf(ctx), items);
      return { subnets: rows.map((r) => pickFields(subnetView(r), fields)) };
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/subnets/:subnet_id',
    policy: 'get_subnet',
    target,
    successStatus: 200,
    response: subnetResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => one(ctx, await service.findSubnet(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/subnets/:subnet_id',
    policy: 'update_subnet',
    target,
    successStatus: 200,
    response: subnetResponse,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      one(
        ctx,
        await service.updateSubnet(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'subnet'),
          revisionConstraint(ctx),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/subnets/:subnet_id',
    policy: 'delete_subnet',
    target,
    successStatus: 204,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      service.deleteSubnet(deps, callerOf(ctx), idOf(ctx), revisionConstraint(ctx)),
  }),
];
