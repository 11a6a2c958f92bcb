import Type from 'typebox';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { queryFlag } from '../identity-schemas.js';
import { roleListView } from '../roles/role-view.js';
import type { AssignmentQuery } from './assignment-list.js';
import { inDomain, listRoleAssignments } from './assignment-list.js';
import { callerDomainTarget } from '../caller-domain.js';
import { loadAssignmentNames } from './assignment-names.js';
import type { ActorKind, GrantRef, TargetKind } from './assignment-service.js';
import * as service from './assignment-service.js';
import { assignmentView } from './assignment-view.js';
import { roleListResponse } from '../identity-response-schemas.js';
import { roleAssignmentListResponse } from './assignment-response-schemas.js';

interface GrantFamily {
  readonly targetKind: TargetKind;
  readonly actorKind: ActorKind;
  readonly inherited: boolean;
}

function familyUrl(f: GrantFamily): string {
  const target = f.targetKind === 'system' ? '/system' : `/${f.targetKind}s/:target_id`;
  return `/v3${f.inherited ? '/OS-INHERIT' : ''}${target}/${f.actorKind}s/:actor_id/roles`;
}

function grantOf(f: GrantFamily, ctx: RequestContext): GrantRef {
  return {
    targetKind: f.targetKind,
    targetId: ctx.params['target_id'] ?? 'system',
    actorKind: f.actorKind,
    actorId: ctx.params['actor_id']!,
    roleId: ctx.params['role_id'] ?? '',
    inherited: f.inherited,
  };
}

/** Policy target: the grant's parties, and the domain that owns its target. */
async function grantTarget(f: GrantFamily, ctx: RequestContext, deps: IdentityDeps) {
  const g = grantOf(f, ctx);
  const { domainId } = await service.checkGrantParties(deps, g);
  return {
    domain_id: domainId,
    role: { id: g.roleId },
    [f.targetKind]: { id: g.targetId },
    [f.actorKind]: { id: g.actorId },
  };
}

function grantRoutes(f: GrantFamily): RouteSpec<IdentityDeps>[] {
  const one = `${familyUrl(f)}/:role_id${f.inherited ? '/inherited_to_projects' : ''}`;
  const list = `${familyUrl(f)}${f.inherited ? '/inherited_to_projects' : ''}`;
  const target = (ctx: RequestContext, deps: IdentityDeps) => grantTarget(f, ctx, deps);
  const common = { target, expectedErrors: [404] as const };
  return [
    route<IdentityDeps>({
      ...common,
      method: 'PUT',
      url: one,
      policy: 'identity:create_grant',
      successStatus: 204,
      expectedErrors: [404, 403 as never],
      handler: (ctx, deps) => service.createGrant(deps, grantOf(f, ctx)),
    }),
    route<IdentityDeps>({
      ...common,
      method: 'HEAD',
      url: one,
      policy: 'identity:check_grant',
      successStatus: 204,
      handler: (ctx, deps) => service.checkGrant(deps, grantOf(f, ctx)),
    }),
    route<IdentityDeps>({
      ...common,
      method: 'GET',
      url: one,
      policy: 'identity:check_grant',
      successStatus: 204,
      handler: (ctx, deps) => service.checkGrant(deps, grantOf(f, ctx)),
    }),
    route<IdentityDeps>({
      ...common,
      method: 'DELETE',
      url: one,
      policy: 'identity:revoke_grant',
      successStatus: 204,
      handler: (ctx, deps) => service.deleteGrant(deps, grantOf(f, ctx)),
    }),
    route<IdentityDeps>({
      ...common,
      method: 'GET',
      url: list,
      policy: 'identity:list_grants',
      successStatus: 200,
      response: roleListResponse,
      handler: async (ctx, deps) =>
        roleListView(await service.listGrantRoles(deps, grantOf(f, ctx)), ctx.serviceUrl, ctx.url),
    }),
  ];
}

const families: GrantFamily[] = [];
for (const targetKind of ['project', 'domain', 'system'] as const) {
  for (const actorKind of ['user', 'group'] as const) {
    families.push({ targetKind, actorKind, inherited: false });
    if (targetKind !== 'system') families.push({ targetKind, actorKind, inherited: true });
  }
}

const listQuery = Type.Object(
  {
    'user.id': Type.Optional(Type.String()),
    'group.id': Type.Optional(Type.String()),
    'role.id': Type.Optional(Type.String()),
    'scope.project.id': Type.Optional(Type.String()),
    'scope.domain.id': Type.Optional(Type.String()),
    'scope.system': Type.Optional(Type.String()),
    'scope.OS-INHERIT:inherited_to': Type.Optional(Type.String()),
    effective: Type.Optional(Type.String()),
    include_names: Type.Optional(Type.String()),
    include_subtree: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const listRoute = route<IdentityDeps, undefined, typeof listQuery>({
  method: 'GET',
  url: '/v3/role_assignments',
  policy: 'identity:list_role_assignments',
  query: listQuery,
  target: (ctx) => callerDomainTarget(ctx.auth),
  successStatus: 200,
  response: roleAssignmentListResponse,
  expectedErrors: [],
  handler: async (ctx, deps) => {
    const q = ctx.query;
    const query: AssignmentQuery = {
      effective: queryFlag(q.effective) === true,
      ...(q['user.id'] !== undefined && { userId: q['user.id'] }),
      ...(q['group.id'] !== undefined && { groupId: q['group.id'] }),
      ...(q['role.id'] !== undefined && { roleId: q['role.id'] }),
      ...(q['scope.project.id'] !== undefined && { projectId: q['scope.project.id'] }),
      ...(q['scope.domain.id'] !== undefined && { domainId: q['scope.domain.id'] }),
      ...(q['scope.system'] !== undefined && { system: true }),
      ...(q['scope.OS-INHERIT:inherited_to'] !== undefined && { inheritedOnly: true }),
    };
    const all = await listRoleAssignments(deps, query);
    const rows = ctx.auth.domainId === undefined ? all : await inDomain(deps, all, ctx.auth.domainId);
    const names = queryFlag(q.include_names) === true ? await loadAssignmentNames(deps, rows) : undefined;
    return {
      role_assignments: rows.map((a) => assignmentView(a, ctx.serviceUrl, names)),
      links: { self: ctx.url, previous: null, next: null },
    };
  },
});

export const assignmentRoutes: RouteSpec<IdentityDeps>[] = [...families.flatMap(grantRoutes), listRoute];
