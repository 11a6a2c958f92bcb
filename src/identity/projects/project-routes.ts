import { callerDomainTarget, inCallerDomain } from '../caller-domain.js';
import Type from 'typebox';
import { route } from '../../common/http/route-spec.js';
import { respond } from '../../common/http/http-response.js';
import type { IdentityDeps } from '../identity-deps.js';
import { queryFlag } from '../identity-schemas.js';
import { projectCreateBody, projectUpdateBody } from './project-schemas.js';
import * as service from './project-service.js';
import type { ProjectFilter } from './project-store.js';
import { projectListView, projectView } from './project-view.js';
import { projectListResponse, projectResponse } from '../identity-response-schemas.js';

const listQuery = Type.Object(
  {
    name: Type.Optional(Type.String()),
    domain_id: Type.Optional(Type.String()),
    parent_id: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.String()),
    is_domain: Type.Optional(Type.String()),
    tags: Type.Optional(Type.String({ description: 'Comma-separated tags; projects holding all of them.' })),
    'tags-any': Type.Optional(
      Type.String({ description: 'Comma-separated tags; projects holding any of them.' }),
    ),
    'not-tags': Type.Optional(
      Type.String({ description: 'Comma-separated tags; projects not holding all of them.' }),
    ),
    'not-tags-any': Type.Optional(
      Type.String({ description: 'Comma-separated tags; projects holding none of them.' }),
    ),
  },
  { additionalProperties: true },
);

/** Keystone's list filters; tag filters are comma-separated (a tag may not contain ','). */
function listFilter(q: Type.Static<typeof listQuery>): ProjectFilter {
  const tags = (v: string | undefined) => (v === undefined ? undefined : v.split(','));
  const [all, any, notAll, notAny] = [q.tags, q['tags-any'], q['not-tags'], q['not-tags-any']].map(tags);
  return {
    ...(q.name !== undefined && { name: q.name }),
    ...(q.domain_id !== undefined && { domainId: q.domain_id }),
    ...(q.parent_id !== undefined && { parentId: q.parent_id }),
    ...(q.enabled !== undefined && { enabled: queryFlag(q.enabled)! }),
    ...(all && { tags: all }),
    ...(any && { tagsAny: any }),
    ...(notAll && { notTags: notAll }),
    ...(notAny && { notTagsAny: notAny }),
  };
}

export const projectTarget = async (
  ctx: { params: Readonly<Record<string, string>> },
  deps: IdentityDeps,
) => {
  const p = await service.findProject(deps, ctx.params['project_id']!);
  return { project: { id: p.id, domain_id: p.domainId } };
};

export const projectRoutes = [
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: '/v3/projects',
    policy: 'identity:list_projects',
    query: listQuery,
    target: (ctx) => callerDomainTarget(ctx.auth),
    successStatus: 200,
    response: projectListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const q = ctx.query;
      if (queryFlag(q.is_domain) === true) return projectListView([], ctx.serviceUrl, ctx.url);
      const projects = await service.listProjects(deps, listFilter(q));
      return projectListView(inCallerDomain(ctx.auth, projects), ctx.serviceUrl, ctx.url);
    },
  }),
  route<IdentityDeps, typeof projectCreateBody>({
    method: 'POST',
    url: '/v3/projects',
    policy: 'identity:create_project',
    body: projectCreateBody,
    target: (ctx) => {
      const b = ctx.body as { project?: { domain_id?: unknown } };
      const auth = ctx.auth;
      return { project: { domain_id: b.project?.domain_id ?? auth.domainId ?? auth.projectDomainId } };
    },
    successStatus: 201,
    response: projectResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) =>
      respond(
        {
          project: projectView(await service.createProject(deps, ctx.auth, ctx.body.project), ctx.serviceUrl),
        },
        { status: 201 },
      ),
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: '/v3/projects/:project_id',
    policy: 'identity:get_project',
    target: projectTarget,
    successStatus: 200,
    response: projectResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      project: projectView(await service.findProject(deps, ctx.params['project_id']!), ctx.serviceUrl),
    }),
  }),
  route<IdentityDeps, typeof projectUpdateBody>({
    method: 'PATCH',
    url: '/v3/projects/:project_id',
    policy: 'identity:update_project',
    target: projectTarget,
    body: projectUpdateBody,
    successStatus: 200,
    response: projectResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => ({
      project: projectView(
        await service.updateProject(deps, ctx.params['project_id']!, ctx.body.project),
        ctx.serviceUrl,
      ),
    }),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: '/v3/projects/:project_id',
    policy: 'identity:delete_project',
    target: projectTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteProject(deps, ctx.params['project_id']!),
  }),
];
