import { route } from '../../common/http/route-spec.js';
import { callerOf, imageIdOf, imageTargetFor } from '../image-context.js';
import type { ImageDeps } from '../image-deps.js';
import { addTag, deleteTag, missingImage } from './tag-service.js';

export const tagRoutes = [
  route<ImageDeps>({
    method: 'PUT',
    url: '/v2/images/:image_id/tags/:tag_value',
    policy: 'modify_image',
    target: imageTargetFor(missingImage),
    successStatus: 204,
    expectedErrors: [404, 413],
    handler: async (ctx, deps) => addTag(deps, callerOf(ctx), imageIdOf(ctx), ctx.params['tag_value']!),
  }),
  route<ImageDeps>({
    method: 'DELETE',
    url: '/v2/images/:image_id/tags/:tag_value',
    policy: 'modify_image',
    target: imageTargetFor(missingImage),
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => deleteTag(deps, callerOf(ctx), imageIdOf(ctx), ctx.params['tag_value']!),
  }),
];
