import type { RequestContext } from '../../common/http/route-spec.js';
import type { FlavorCaller } from './flavor-service.js';

/** Nova's `context.is_admin`: the context_is_admin rule. */
export function flavorCaller(ctx: RequestContext): FlavorCaller {
  return { isAdmin: ctx.can('context_is_admin', {}), projectId: ctx.auth.projectId };
}
