import { InputError } from '../../common/errors.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { NetworkUser } from '../../network/index.js';
import { callerOf, serverTarget } from '../servers/server-caller.js';
import type { Server } from '../servers/server-model.js';
import { findServer } from '../servers/server-service.js';
import {
  addServerSecurityGroup,
  removeServerSecurityGroup,
  serverSecurityGroupsView,
} from './server-security-groups.js';
import { securityGroupListResponse } from './network-proxy-response-schemas.js';

const rule = (action: string) => `os_compute_api:os-security-groups:${action}`;

export const serverSecurityGroupPolicy: Readonly<Record<string, string>> = {
  [rule('list')]: 'rule:project_reader_or_admin',
  [rule('add')]: 'rule:project_member_or_admin',
  [rule('remove')]: 'rule:project_member_or_admin',
};

const userOf = (ctx: RequestContext): NetworkUser => {
  const c = callerOf(ctx);
  return { projectId: c.projectId, isAdmin: c.isAdmin };
};

/** Nova's SecurityGroupActionController._parse: the group's name, with its three 400s. */
function groupName(arg: unknown): string {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg))
    throw new InputError('compute.security_group.bad_body', 'Missing parameter dict');
  const name = (arg as Record<string, unknown>)['name'];
  if (name === undefined)
    throw new InputError('compute.security_group.bad_body', 'Security group not specified');
  if (typeof name !== 'string' || name.trim() === '')
    throw new InputError('compute.security_group.bad_body', 'Security group name cannot be empty');
  return name;
}

type ActionHandler = (ctx: RequestContext, deps: ComputeDeps, s: Server, body: unknown) => Promise<unknown>;

/** The server actions (policy rule, handler), merged into server-action-routes' table. */
export const securityGroupActions: Readonly<Record<string, [string, ActionHandler]>> = {
  addSecurityGroup: [
    rule('add'),
    (ctx, deps, s, arg) => addServerSecurityGroup(deps, userOf(ctx), s, groupName(arg)),
  ],
  removeSecurityGroup: [
    rule('remove'),
    (ctx, deps, s, arg) => removeServerSecurityGroup(deps, userOf(ctx), s, groupName(arg)),
  ],
};

/** GET /servers/{id}/os-security-groups. */
export const serverSecurityGroupRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/os-security-groups',
    policy: rule('list'),
    target: serverTarget,
    successStatus: 200,
    response: securityGroupListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
      return { security_groups: await serverSecurityGroupsView(deps, userOf(ctx), s) };
    },
  }),
];
