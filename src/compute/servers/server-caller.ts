import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Caller } from './server-inputs.js';
import { findServer } from './server-service.js';

export function callerOf(ctx: RequestContext): Caller {
  const a = ctx.auth;
  return { projectId: a.projectId ?? '', userId: a.userId, isAdmin: ctx.can('context_is_admin', {}) };
}

/** Policy target for server routes: loads the server (404 for what the caller may not see). */
export async function serverTarget(ctx: RequestContext, deps: ComputeDeps) {
  const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
  return { project_id: s.projectId, user_id: s.userId };
}

/** As serverTarget, also finding deleted servers from microversion `since` on. */
export const serverTargetWithDeleted =
  (since: Microversion) => async (ctx: RequestContext, deps: ComputeDeps) => {
    const includeDeleted = atLeast(ctx.microversion, since);
    const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!, { includeDeleted });
    return { project_id: s.projectId, user_id: s.userId };
  };

export const projectTarget = (ctx: RequestContext) => ({
  project_id: ctx.auth.projectId,
  user_id: ctx.auth.userId,
});
