import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { rbacPolicyNotFound } from './rbac-errors.js';
import * as service from './rbac-service.js';
import { listObjectPolicyRows } from './object-rbac-store.js';
import { listRbacPolicyRows } from './rbac-store.js';
import type { AnyRbacPolicyRow } from './rbac-view.js';
import { rbacPolicyTarget, rbacPolicyView } from './rbac-view.js';
import { rbacPolicyListResponse, rbacPolicyResponse } from './rbac-response-schemas.js';

const sortable = new Set([
  'id',
  'object_type',
  'object_id',
  'target_tenant',
  'tenant_id',
  'project_id',
  'action',
]);

const idOf = (ctx: RequestContext) => ctx.params['rbac_policy_id']!;

const one = (ctx: RequestContext, row: AnyRbacPolicyRow) => ({
  rbac_policy: pickFields(rbacPolicyView(row), parseListQuery(ctx.query).fields),
});

async function target(ctx: RequestContext, deps: NetworkDeps) {
  return rbacPolicyTarget(await service.findRbacPolicy(deps.store.db, callerOf(ctx), idOf(ctx)));
}

/** /v2.0/rbac-policies (rbac-policies extension): networks, security groups, address scopes, subnet pools, address groups. */
export const rbacRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/rbac-policies',
    policy: 'get_rbac_policy',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: rbacPolicyListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows: AnyRbacPolicyRow[] = [
        ...(await listRbacPolicyRows(deps.store.db, caller.projectId, caller.isAdmin)),
        ...(await listObjectPolicyRows(deps.store.db, caller.projectId, caller.isAdmin)),
      ];
      const { items, links } = applyList(rows.map(rbacPolicyView), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        markerMissing: (id) => rbacPolicyNotFound(id),
      });
      return {
        rbac_policies: items.map((p) => pickFields(p, q.fields)),
        ...(links.length > 0 && { rbac_policies_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/rbac-policies',
    policy: 'create_rbac_policy',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: rbacPolicyResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      one(ctx, await service.createRbacPolicy(deps, callerOf(ctx), resourceBody(ctx.body, 'rbac_policy'))),
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/rbac-policies/:rbac_policy_id',
    policy: 'get_rbac_policy',
    target,
    successStatus: 200,
    response: rbacPolicyResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      one(ctx, await service.findRbacPolicy(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'PUT',
    url: '/v2.0/rbac-policies/:rbac_policy_id',
    policy: 'update_rbac_policy',
    target,
    successStatus: 200,
    response: rbacPolicyResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      one(
        ctx,
        await service.updateRbacPolicy(deps, callerOf(ctx), idOf(ctx), resourceBody(ctx.body, 'rbac_policy')),
      ),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/rbac-policies/:rbac_policy_id',
    policy: 'delete_rbac_policy',
    target,
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => service.deleteRbacPolicy(deps, callerOf(ctx), idOf(ctx)),
  }),
];
