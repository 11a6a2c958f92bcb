import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { parseListQuery } from '../network-list.js';
import { deleteAutoAllocatedTopology, getAutoAllocatedTopology } from './auto-allocation-service.js';
import { autoAllocatedTopologyResponse } from './auto-allocation-response-schemas.js';

const projectOf = (ctx: RequestContext) => ctx.params['project_id']!;

/** The policy target: the project whose topology it is ('None' is the caller's own). */
const target = (ctx: RequestContext) => {
  const p = projectOf(ctx) === 'None' ? ctx.auth.projectId : projectOf(ctx);
  return { project_id: p, tenant_id: p };
};

/** /v2.0/auto-allocated-topology/{project_id} (auto-allocated-topology extension). */
export const autoAllocationRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/auto-allocated-topology/:project_id',
    policy: 'get_auto_allocated_topology',
    target,
    successStatus: 200,
    response: autoAllocatedTopologyResponse,
    expectedErrors: [400, 409],
    handler: async (ctx, deps) => ({
      auto_allocated_topology: await getAutoAllocatedTopology(
        deps,
        callerOf(ctx),
        projectOf(ctx),
        parseListQuery(ctx.query).fields,
      ),
    }),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/auto-allocated-topology/:project_id',
    policy: 'delete_auto_allocated_topology',
    target,
    successStatus: 204,
    expectedErrors: [409],
    handler: async (ctx, deps) => deleteAutoAllocatedTopology(deps, callerOf(ctx), projectOf(ctx)),
  }),
];
