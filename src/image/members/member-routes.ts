import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { callerOf, imageIdOf, imageTargetFor } from '../image-context.js';
import type { ImageDeps } from '../image-deps.js';
import { objectBody } from '../images/image-routes.js';
import { missingImage } from '../tags/tag-service.js';
import * as service from './member-service.js';
import { memberListView, memberView } from './member-view.js';
import { memberListResponse, memberResponse } from '../images/image-response-schemas.js';

const memberIdOf = (ctx: RequestContext) => ctx.params['member_id']!;
const target = imageTargetFor(missingImage);

export const memberRoutes = [
  route<ImageDeps>({
    method: 'POST',
    url: '/v2/images/:image_id/members',
    policy: 'add_member',
    target,
    // Glance answers a new member with 200, not 201.
    successStatus: 200,
    response: memberResponse,
    expectedErrors: [404, 409, 413, 415],
    handler: async (ctx, deps) =>
      memberView(await service.addMember(deps, callerOf(ctx), imageIdOf(ctx), objectBody(ctx))),
  }),
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/images/:image_id/members',
    policy: 'get_members',
    target,
    successStatus: 200,
    response: memberListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      memberListView(await service.listMembers(deps, callerOf(ctx), imageIdOf(ctx))),
  }),
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/images/:image_id/members/:member_id',
    policy: 'get_member',
    target,
    successStatus: 200,
    response: memberResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      memberView(await service.showMember(deps, callerOf(ctx), imageIdOf(ctx), memberIdOf(ctx))),
  }),
  route<ImageDeps>({
    method: 'PUT',
    url: '/v2/images/:image_id/members/:member_id',
    policy: 'modify_member',
    target,
    successStatus: 200,
    response: memberResponse,
    expectedErrors: [404, 415],
    handler: async (ctx, deps) =>
      memberView(
        await service.updateMember(deps, callerOf(ctx), imageIdOf(ctx), memberIdOf(ctx), objectBody(ctx)),
      ),
  }),
  route<ImageDeps>({
    method: 'DELETE',
    url: '/v2/images/:image_id/members/:member_id',
    policy: 'delete_member',
    target,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.removeMember(deps, callerOf(ctx), imageIdOf(ctx), memberIdOf(ctx)),
  }),
];
