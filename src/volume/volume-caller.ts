import type { RequestContext } from '../common/http/route-spec.js';
import type { VolumeCaller } from './volume-deps.js';

/** The caller as block storage's ownership checks see it (admin per `context_is_admin`). */
export function volumeCallerOf(ctx: RequestContext): VolumeCaller {
  const a = ctx.auth;
  return { projectId: a.projectId ?? '', userId: a.userId, isAdmin: ctx.can('context_is_admin', {}) };
}
