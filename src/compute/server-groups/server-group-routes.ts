import { InputError } from '../../common/errors.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { serverGroupCreateBody, serverGroupListQuery } from './server-group-schemas.js';
import * as service from './server-group-service.js';
import { serverGroupView } from './server-group-view.js';
import { serverGroupListResponse, serverGroupResponse } from './server-group-response-schemas.js';

/** Nova's CONF.api.max_limit. */
const maxLimit = 1000;

// The group is loaded first so a missing one is 404 and another project's is 403, as in Nova.
const groupTarget = async (ctx: RequestContext, deps: ComputeDeps) => ({
  project_id: (await service.findGroup(deps, ctx.params['server_group_id']!)).projectId,
});

const view = (ctx: RequestContext) => (g: service.ServerGroupWithMembers) =>
  serverGroupView(g.group, g.members, ctx.microversion);

export const serverGroupRoutes = [
  route<ComputeDeps, undefined, typeof serverGroupListQuery>({
    method: 'GET',
    url: '/v2.1/os-server-groups',
    policy: 'os_compute_api:os-server-groups:index',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    query: serverGroupListQuery,
    successStatus: 200,
    response: serverGroupListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const q = ctx.query;
      // As Nova: all_projects counts only for admins; others get their own groups without an error.
      const all = q.all_projects !== undefined && ctx.can('context_is_admin', {});
      if (all) ctx.authorize('os_compute_api:os-server-groups:index:all_projects', {});
      const limit = Math.min(Number(q.limit ?? 0) || maxLimit, maxLimit);
      const page = { limit, offset: Number(q.offset ?? 0) };
      const groups = await service.listGroups(deps, all ? undefined : (ctx.auth.projectId ?? ''), page);
      return { server_groups: groups.map(view(ctx)) };
    },
  }),
  route<ComputeDeps, typeof serverGroupCreateBody>({
    method: 'POST',
    url: '/v2.1/os-server-groups',
    policy: 'os_compute_api:os-server-groups:create',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    body: serverGroupCreateBody,
    successStatus: 200,
    response: serverGroupResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const policy = ctx.body.server_group.policies[0] as string | undefined;
      if (policy?.startsWith('soft-') && !atLeast(ctx.microversion, [2, 15]))
        throw new InputError(
          'compute.server_group.soft_policy',
          `Invalid input for field/attribute 0. Value: ${policy}. '${policy}' is not one of ['anti-affinity', 'affinity']`,
        );
      const creator = { userId: ctx.auth.userId, projectId: ctx.auth.projectId };
      const created = await service.createGroup(deps, creator, ctx.body.server_group);
      return { server_group: view(ctx)(created) };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-server-groups/:server_group_id',
    policy: 'os_compute_api:os-server-groups:show',
    target: groupTarget,
    successStatus: 200,
    response: serverGroupResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      server_group: view(ctx)(await service.showGroup(deps, ctx.params['server_group_id']!)),
    }),
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: '/v2.1/os-server-groups/:server_group_id',
    policy: 'os_compute_api:os-server-groups:delete',
    target: groupTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: (ctx, deps) => service.deleteGroup(deps, ctx.params['server_group_id']!),
  }),
];
