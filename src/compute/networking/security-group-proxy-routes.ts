import { InputError, NotFoundError } from '../../common/errors.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { NetworkUser } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, projectTarget } from '../servers/server-caller.js';
import { novaGroupsView } from './server-security-groups.js';
import { securityGroupListResponse, securityGroupShowResponse } from './network-proxy-response-schemas.js';

const rule = (action: string) => `os_compute_api:os-security-groups:${action}`;

/** Read-only part of Nova's network proxy: what clients use to find a group by name (up to 2.35). */
export const securityGroupProxyPolicy: Readonly<Record<string, string>> = {
  [rule('get')]: 'rule:project_reader_or_admin',
  [rule('show')]: 'rule:project_reader_or_admin',
};

const uuidLike = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Nova's proxy APIs end at 2.35 (MAX_PROXY_API_SUPPORT_VERSION). */
export function proxyOnly(ctx: RequestContext): NetworkUser {
  if (atLeast(ctx.microversion, [2, 36]))
    throw new NotFoundError('compute.proxy.gone', 'The resource could not be found.');
  const c = callerOf(ctx);
  return { projectId: c.projectId, isAdmin: c.isAdmin };
}

export const securityGroupProxyRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-security-groups',
    policy: rule('get'),
    target: projectTarget,
    successStatus: 200,
    response: securityGroupListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const user = proxyOnly(ctx);
      const all = user.isAdmin && 'all_tenants' in (ctx.query as Record<string, unknown>);
      const groups = await deps.network.projectSecurityGroups(all ? undefined : user.projectId);
      return { security_groups: await novaGroupsView(deps, user, groups) };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-security-groups/:id',
    policy: rule('show'),
    target: projectTarget,
    successStatus: 200,
    response: securityGroupShowResponse,
    expectedErrors: [400, 404],
    handler: async (ctx, deps) => {
      const user = proxyOnly(ctx);
      const id = ctx.params['id']!;
      if (!uuidLike.test(id))
        throw new InputError('compute.security_group.bad_id', 'Security group id should be uuid');
      const [g] = await deps.network.securityGroups(user, [id]);
      if (g === undefined)
        throw new NotFoundError('compute.security_group.not_found', `Security group ${id} does not exist`);
      return { security_group: (await novaGroupsView(deps, user, [g]))[0] };
    },
  }),
];
