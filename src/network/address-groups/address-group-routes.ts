import { withSharing } from '../rbac/object-rbac-store.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import { bulkItems } from '../network-bulk.js';
import { callerOf, enforceOnItem } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { addressGroupNotFound } from './address-group-errors.js';
import type { AddressGroup } from './address-group-service.js';
import * as service from './address-group-service.js';
import { addressesOf, listAddressGroupRows } from './address-group-store.js';
import { addressGroupTarget, addressGroupView } from './address-group-view.js';
import {
  addressGroupCreateResponse,
  addressGroupListResponse,
  addressGroupResponse,
} from './address-group-response-schemas.js';

const sortable = new Set(['id', 'name', 'description', 'tenant_id', 'project_id']);

const idOf = (ctx: RequestContext) => ctx.params['address_group_id']!;
const one = (ctx: RequestContext, g: AddressGroup) => ({
  address_group: pickFields(addressGroupView(g.row, g.addresses), parseListQuery(ctx.query).fields),
});

async function target(ctx: RequestContext, deps: NetworkDeps) {
  const caller = callerOf(ctx);
  const row = await service.findAddressGroup(deps.store.db, caller, idOf(ctx));
  return withSharing(deps.store.db, addressGroupTarget(row), row.id, caller.projectId);
}

/** The target of a change: a project the group is only shared with gets 404, as Neutron. */
const changeTarget = (action: string) => async (ctx: RequestContext, deps: NetworkDeps) => {
  const t = await target(ctx, deps);
  enforceOnItem(callerOf(ctx), action, t, () => addressGroupNotFound(idOf(ctx)));
  return t;
};

/** PUT add_addresses / remove_addresses: the body is `{"addresses": [...]}`, unwrapped. */
const addressAction = (action: 'add_addresses' | 'remove_addresses') =>
  route<NetworkDeps>({
    method: 'PUT',
    url: `/v2.0/address-groups/:address_group_id/${action}`,
    policy: action,
    target: changeTarget(action),
    successStatus: 200,
    response: addressGroupResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(ctx, await service.changeAddresses(deps, callerOf(ctx), idOf(ctx), action, ctx.body)),
  });

export const addressGroupRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/address-groups',
    policy: 'get_address_group',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: addressGroupListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listAddressGroupRows(deps.store.db, caller.projectId, caller.isAdmin);
      const addresses = await addressesOf(
        deps.store.db,
        rows.map((r) => r.id),
      );
      const { items, links } = applyList(
        rows.map((r) => addressGroupView(r, addresses.get(r.id) ?? [])),
        q,
        { url: ctx.url, query: ctx.query, sortable, markerMissing: addressGroupNotFound },
      );
      return {
        address_groups: items.map((g) => pickFields(g, q.fields)),
        ...(links.length > 0 && { address_groups_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/address-groups',
    policy: 'create_address_group',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: addressGroupCreateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const items = bulkItems(ctx.body, 'address_group', 'address_groups');
      if (items === undefined)
        return one(
          ctx,
          await service.createAddressGroup(deps, callerOf(ctx), resourceBody(ctx.body, 'address_group')),
        );
      const fields = parseListQuery(ctx.query).fields;
      const groups = await service.createAddressGroups(deps, callerOf(ctx), items);
      return { address_groups: groups.map((g) => pickFields(addressGroupView(g.row, g.addresses), fields)) };
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/address-groups/:address_group_id',
    policy: 'get_address_group',
    target,
    successStatus: 200,
    response: addressGroupResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(
        ctx,
        await service.withAddresses(
          deps.store.db,
          await service.findAddressGroup(deps.store.db, callerOf(ctx), idOf(ctx)),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/address-groups/:address_group_id',
    policy: 'update_address_group',
    target: changeTarget('update_address_group'),
    successStatus: 200,
    response: addressGroupResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(
        ctx,
        await service.updateAddressGroup(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'address_group'),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/address-groups/:address_group_id',
    policy: 'delete_address_group',
    target: changeTarget('delete_address_group'),
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => service.deleteAddressGroup(deps, callerOf(ctx), idOf(ctx)),
  }),
  addressAction('add_addresses'),
  addressAction('remove_addresses'),
];
