import { respond } from '../../common/http/http-response.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import { projectTagsResponse } from '../identity-response-schemas.js';
import { projectTarget } from './project-routes.js';
import { projectTagsBody } from './project-schemas.js';
import * as service from './project-tag-service.js';

const all = '/v3/projects/:project_id/tags';
const one = '/v3/projects/:project_id/tags/:tag';
const projectId = (ctx: RequestContext) => ctx.params['project_id']!;
const tag = (ctx: RequestContext) => ctx.params['tag']!;
const tagsView = (tags: readonly string[], ctx: RequestContext) => ({ tags, links: { self: ctx.url } });

/** Keystone's project tag calls (api-ref "Project Tags"). */
export const projectTagRoutes = [
  route<IdentityDeps>({
    method: 'GET',
    url: all,
    policy: 'identity:list_project_tags',
    target: projectTarget,
    successStatus: 200,
    response: projectTagsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => tagsView(await service.listProjectTags(deps, projectId(ctx)), ctx),
  }),
  route<IdentityDeps, typeof projectTagsBody>({
    method: 'PUT',
    url: all,
    policy: 'identity:update_project_tags',
    target: projectTarget,
    body: projectTagsBody,
    successStatus: 200,
    response: projectTagsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      tagsView(await service.replaceProjectTags(deps, projectId(ctx), ctx.body.tags), ctx),
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: all,
    policy: 'identity:delete_project_tags',
    target: projectTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await service.replaceProjectTags(deps, projectId(ctx), []);
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: one,
    policy: 'identity:get_project_tag',
    target: projectTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: (ctx, deps) => service.checkProjectTag(deps, projectId(ctx), tag(ctx)),
  }),
  route<IdentityDeps>({
    method: 'PUT',
    url: one,
    policy: 'identity:create_project_tag',
    target: projectTarget,
    successStatus: 201,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await service.addProjectTag(deps, projectId(ctx), tag(ctx));
      return respond(undefined, { status: 201, headers: { location: ctx.url } });
    },
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: one,
    policy: 'identity:delete_project_tag',
    target: projectTarget,
    successStatus: 204,
    expectedErrors: [404],
    handler: (ctx, deps) => service.removeProjectTag(deps, projectId(ctx), tag(ctx)),
  }),
];
