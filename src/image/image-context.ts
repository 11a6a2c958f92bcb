import type { RequestContext } from '../common/http/route-spec.js';
import type { ImageCaller, ImageDeps } from './image-deps.js';
import { findVisibleImage, imageTarget } from './images/image-service.js';

/** The caller as Glance's context sees it: the token's project, and whether it is an admin. */
export function callerOf(ctx: RequestContext): ImageCaller {
  return { projectId: ctx.auth.projectId, isAdmin: ctx.can('context_is_admin', {}) };
}

/** The `:image_id` URL parameter. */
export function imageIdOf(ctx: RequestContext): string {
  return ctx.params['image_id']!;
}

/**
 * A route target that loads the image the URL names: an image the caller may not see is
 * a 404 (with Glance's message for that route) before any rule is checked.
 */
export function imageTargetFor(notFound?: (id: string) => string) {
  return async (ctx: RequestContext, deps: ImageDeps) => {
    const caller = callerOf(ctx);
    const id = imageIdOf(ctx);
    return imageTarget(await findVisibleImage(deps, caller, id, notFound?.(id)), caller);
  };
}
