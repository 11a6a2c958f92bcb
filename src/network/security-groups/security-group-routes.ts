import { sharedToProject, withSharing } from '../rbac/object-rbac-store.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import { bulkItems } from '../network-bulk.js';
import type { NetworkCaller } from '../network-context.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { revisionConstraint } from '../network-revision.js';
import { tagFilters } from '../tags/tag-service.js';
import { securityGroupNotFound } from './security-group-errors.js';
import * as service from './security-group-service.js';
import type { SecurityGroupRow } from './security-group-store.js';
import { rulesOfGroups } from './security-group-store.js';
import { groupTarget, groupView } from './security-group-view.js';
import {
  securityGroupCreateResponse,
  securityGroupListResponse,
  securityGroupResponse,
} from './security-group-response-schemas.js';

const sortable = new Set([
  'id',
  'name',
  'project_id',
  'tenant_id',
  'stateful',
  'created_at',
  'updated_at',
  'revision_number',
]);

const idOf = (ctx: RequestContext) => ctx.params['security_group_id']!;

async function render(deps: NetworkDeps, caller: NetworkCaller, rows: ReadonlyArray<SecurityGroupRow>) {
  const rules = await rulesOfGroups(
    deps.store.db,
    rows.map((r) => r.id),
  );
  const shared = await sharedToProject(deps.store.db, 'security_group', caller.projectId);
  return rows.map((r) => groupView(r, rules.get(r.id) ?? [], shared.has(r.id)));
}

async function one(deps: NetworkDeps, ctx: RequestContext, row: SecurityGroupRow) {
  const [view] = await render(deps, callerOf(ctx), [row]);
  return { security_group: pickFields(view!, parseListQuery(ctx.query).fields) };
}

async function target(ctx: RequestContext, deps: NetworkDeps) {
  const caller = callerOf(ctx);
  const row = await service.findGroup(deps.store.db, caller, idOf(ctx));
  return withSharing(deps.store.db, groupTarget(row), row.id, caller.projectId);
}

/** The project a list is about: a project_id/tenant_id filter, else the caller's. */
function filteredProject(
  caller: NetworkCaller,
  query: Readonly<Record<string, unknown>>,
): string | undefined {
  const named = query['project_id'] ?? query['tenant_id'];
  const first = Array.isArray(named) ? named[0] : named;
  return typeof first === 'string' ? first : caller.projectId;
}

export const securityGroupRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/security-groups',
    policy: 'get_security_group',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: securityGroupListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await service.listGroups(deps, caller, filteredProject(caller, ctx.query));
      const { items, links } = applyList(await render(deps, caller, rows), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        special: tagFilters,
        markerMissing: securityGroupNotFound,
      });
      return {
        security_groups: items.map((g) => pickFields(g, q.fields)),
        ...(links.length > 0 && { security_groups_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/security-groups',
    policy: 'create_security_group',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: securityGroupCreateResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      // Neutron's security group extension allows bulk: `{"security_groups": [...]}`, all or none.
      const items = bulkItems(ctx.body, 'security_group', 'security_groups');
      if (items === undefined)
        return one(
          deps,
          ctx,
          await service.createGroup(deps, callerOf(ctx), resourceBody(ctx.body, 'security_group')),
        );
      const rows = await service.createGroups(deps, callerOf(ctx), items);
      const fields = parseListQuery(ctx.query).fields;
      const views = await render(deps, callerOf(ctx), rows);
      return { security_groups: views.map((v) => pickFields(v, fields)) };
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/security-groups/:security_group_id',
    policy: 'get_security_group',
    target,
    successStatus: 200,
    response: securityGroupResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(deps, ctx, await service.findGroup(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/security-groups/:security_group_id',
    policy: 'update_security_group',
    target,
    successStatus: 200,
    response: securityGroupResponse,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      one(
        deps,
        ctx,
        await service.updateGroup(
          deps,
          callerOf(ctx),
          idOf(ctx),
          resourceBody(ctx.body, 'security_group'),
          revisionConstraint(ctx),
        ),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/security-groups/:security_group_id',
    policy: 'delete_security_group',
    target,
    successStatus: 204,
    expectedErrors: [404, 409, 412],
    handler: async (ctx, deps) =>
      service.deleteGroup(deps, callerOf(ctx), idOf(ctx), revisionConstraint(ctx)),
  }),
];
