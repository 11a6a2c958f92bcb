import { asSeenBy, withSharing } from '../rbac/object-rbac-store.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { parseCidrLoose } from '../ipam/ip-address.js';
import { parseUpdate, resourceBody } from '../network-attributes.js';
import { bulkItems } from '../network-bulk.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { httpBadRequest } from '../network-errors.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { revisionConstraint } from '../network-revision.js';
import { tagFilters } from '../tags/tag-service.js';
import { subnetPoolNotFound } from './subnetpool-errors.js';
import { removePrefixes } from './subnetpool-prefix-removal.js';
import { prefixesOf, subnetPoolAttributes } from './subnetpool-schemas.js';
import * as service from './subnetpool-service.js';
import type { SubnetPoolRow } from './subnetpool-store.js';
import { listSubnetPoolRows } from './subnetpool-store.js';
import { subnetPoolTarget, subnetPoolView } from './subnetpool-view.js';
import {
  subnetPoolCreateResponse,
  subnetPoolListResponse,
  subnetPoolPrefixesResponse,
  subnetPoolResponse,
} from './subnetpool-response-schemas.js';

const sortable = new Set([
  'id',
  'name',
  'tenant_id',
  'project_id',
  'default_quota',
  'ip_version',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'is_default',
  'shared',
  'address_scope_id',
  'created_at',
  'updated_at',
  'revision_number',
]);

const idOf = (ctx: RequestContext) => ctx.params['subnetpool_id']!;
/** The rows rendered with `shared` as the caller sees it. */
async function views(ctx: RequestContext, deps: NetworkDeps, rows: ReadonlyArray<SubnetPoolRow>) {
  return (await asSeenBy(deps.store.db, 'subnetpool', ctx.auth.projectId, rows)).map(subnetPoolView);
}

async function one(ctx: RequestContext, deps: NetworkDeps, row: SubnetPoolRow) {
  const [view] = await views(ctx, deps, [row]);
  return { subnetpool: pickFields(view!, parseListQuery(ctx.query).fields) };
}

async function target(ctx: RequestContext, deps: NetworkDeps) {
  const caller = callerOf(ctx);
  const row = await service.findSubnetPool(deps.store.db, caller, idOf(ctx));
  return withSharing(deps.store.db, subnetPoolTarget(row), row.id, caller.projectId);
}

/** The prefixes of an add/remove_prefixes body; netaddr's AddrFormatError is a 400 in Neutron. */
function prefixBody(body: unknown): string[] {
  const prefixes = prefixesOf(body);
  if (prefixes === 'invalid') throw httpBadRequest('Request body contains invalid data');
  for (const p of prefixes)
    if (parseCidrLoose(p) === undefined) throw httpBadRequest(`invalid IPNetwork ${String(p)}`);
  return prefixes;
}

export const subnetPoolRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/subnetpools',
    policy: 'get_subnetpool',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: subnetPoolListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listSubnetPoolRows(deps.store.db, caller.projectId, caller.isAdmin);
      const { items, links } = applyList(await views(ctx, deps, rows), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        special: tagFilters,
        markerMissing: subnetPoolNotFound,
      });
      return {
        subnetpools: items.map((s) => pickFields(s, q.fields)),
        ...(links.length > 0 && { subnetpools_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/subnetpools',
    policy: 'create_subnetpool',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: subnetPoolCreateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      // Neutron allows bulk here: `{"subnetpools": [...]}`, all or none.
      const items = bulkItems(ctx.body, 'subnetpool', 'subnetpools');
      if (items !== undefined) {
        const fields = parseListQuery(ctx.query).fields;
        const rows = await service.createSubnetPools(deps, callerOf(ctx), items);
        return { subnetpools: (await views(ctx, deps, rows)).map((v) => pickFields(v, fields)) };
      }
      return one(
        ctx,
        deps,
        await service.createSubnetPool(deps, callerOf(ctx), resourceBody(ctx.body, 'subnetpool')),
      );
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/subnetpools/:subnetpool_id',
    policy: 'get_subnetpool',
    target,
    successStatus: 200,
    response: subnetPoolResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(ctx, deps, await service.findSubnetPool(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/subnetpools/:subnetpool_id',
    policy: 'update_subnetpool',
    // Neutron checks the body before it looks the pool up: `shared` is a 400 even to a
    // project that cannot see the pool.
    target: (ctx, deps) => {
      parseUpdate(subnetPoolAttributes, resourceBody(ctx.body, 'subnetpool'));
      return target(ctx, deps);
    },
    successStatus: 200,
    response: subnetPoolResponse,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      one(
        ctx,
        deps,
        await service.updateSubnetPool(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'subnetpool'),
          revisionConstraint(ctx),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/subnetpools/:subnetpool_id',
    policy: 'delete_subnetpool',
    target,
    successStatus: 204,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      service.deleteSubnetPool(deps, callerOf(ctx), idOf(ctx), revisionConstraint(ctx)),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/subnetpools/:subnetpool_id/add_prefixes',
    policy: 'add_prefixes',
    target,
    successStatus: 200,
    response: subnetPoolPrefixesResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => service.addPrefixes(deps, callerOf(ctx), idOf(ctx), prefixBody(ctx.body)),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/subnetpools/:subnetpool_id/remove_prefixes',
    policy: 'remove_prefixes',
    target,
    successStatus: 200,
    response: subnetPoolPrefixesResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => removePrefixes(deps, callerOf(ctx), idOf(ctx), prefixBody(ctx.body)),
  }),
];
