import { asSeenBy, withSharing } from '../rbac/object-rbac-store.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import { bulkItems } from '../network-bulk.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { addressScopeNotFound } from './address-scope-errors.js';
import * as service from './address-scope-service.js';
import type { AddressScopeRow } from './address-scope-store.js';
import { listAddressScopeRows } from './address-scope-store.js';
import { addressScopeTarget, addressScopeView } from './address-scope-view.js';
import {
  addressScopeCreateResponse,
  addressScopeListResponse,
  addressScopeResponse,
} from './address-scope-response-schemas.js';

const sortable = new Set(['id', 'name', 'tenant_id', 'project_id', 'shared', 'ip_version']);

const idOf = (ctx: RequestContext) => ctx.params['address_scope_id']!;
/** The rows rendered with `shared` as the caller sees it. */
async function views(ctx: RequestContext, deps: NetworkDeps, rows: ReadonlyArray<AddressScopeRow>) {
  return (await asSeenBy(deps.store.db, 'address_scope', ctx.auth.projectId, rows)).map(addressScopeView);
}

async function one(ctx: RequestContext, deps: NetworkDeps, row: AddressScopeRow) {
  const [view] = await views(ctx, deps, [row]);
  return { address_scope: pickFields(view!, parseListQuery(ctx.query).fields) };
}

async function target(ctx: RequestContext, deps: NetworkDeps) {
  const caller = callerOf(ctx);
  const row = await service.findAddressScope(deps.store.db, caller, idOf(ctx));
  return withSharing(deps.store.db, addressScopeTarget(row), row.id, caller.projectId);
}

export const addressScopeRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/address-scopes',
    policy: 'get_address_scope',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: addressScopeListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listAddressScopeRows(deps.store.db, caller.projectId, caller.isAdmin);
      const { items, links } = applyList(await views(ctx, deps, rows), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        markerMissing: addressScopeNotFound,
      });
      return {
        address_scopes: items.map((s) => pickFields(s, q.fields)),
        ...(links.length > 0 && { address_scopes_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/address-scopes',
    policy: 'create_address_scope',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: addressScopeCreateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      // Neutron allows bulk here: `{"address_scopes": [...]}`, all or none.
      const items = bulkItems(ctx.body, 'address_scope', 'address_scopes');
      if (items !== undefined) {
        const fields = parseListQuery(ctx.query).fields;
        const rows = await service.createAddressScopes(deps, callerOf(ctx), items);
        return { address_scopes: (await views(ctx, deps, rows)).map((v) => pickFields(v, fields)) };
      }
      return one(
        ctx,
        deps,
        await service.createAddressScope(deps, callerOf(ctx), resourceBody(ctx.body, 'address_scope')),
      );
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/address-scopes/:address_scope_id',
    policy: 'get_address_scope',
    target,
    successStatus: 200,
    response: addressScopeResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(ctx, deps, await service.findAddressScope(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/address-scopes/:address_scope_id',
    policy: 'update_address_scope',
    target,
    successStatus: 200,
    response: addressScopeResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      one(
        ctx,
        deps,
        await service.updateAddressScope(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'address_scope'),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/address-scopes/:address_scope_id',
    policy: 'delete_address_scope',
    target,
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => service.deleteAddressScope(deps, callerOf(ctx), idOf(ctx)),
  }),
];
