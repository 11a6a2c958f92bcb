import { route } from '../../common/http/route-spec.js';
import { callerOf, imageIdOf, imageTargetFor } from '../image-context.js';
import type { ImageDeps } from '../image-deps.js';
import { imageAction } from './image-action-service.js';

export const imageActionRoutes = (['deactivate', 'reactivate'] as const).map((action) =>
  route<ImageDeps>({
    method: 'POST',
    url: `/v2/images/:image_id/actions/${action}`,
    policy: action,
    target: imageTargetFor(),
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => imageAction(deps, callerOf(ctx), imageIdOf(ctx), action),
  }),
);
