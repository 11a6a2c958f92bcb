import { NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import { secondsTime } from '../../common/time.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf, serverTargetWithDeleted } from '../servers/server-caller.js';
import { findServer } from '../servers/server-service.js';
import type { InstanceAction, InstanceActionEvent } from './instance-action-store.js';
import { listActions, listEvents } from './instance-action-store.js';

function actionView(a: InstanceAction) {
  return {
    action: a.action,
    instance_uuid: a.serverId,
    message: a.message,
    project_id: a.projectId,
    request_id: a.requestId,
    start_time: secondsTime(a.startTime),
    user_id: a.userId,
  };
}

/** Event tracebacks and hosts are admin-only details in Nova. */
function eventView(e: InstanceActionEvent, isAdmin: boolean) {
  return {
    event: e.event,
    start_time: secondsTime(e.startTime),
    finish_time: e.finishTime && secondsTime(e.finishTime),
    result: e.result,
    ...(isAdmin && { traceback: e.details }),
  };
}

/** From 2.21 a deleted server's actions stay readable (what happened to it, and who). */
const since = [2, 21] as const;
const readDeleted = serverTargetWithDeleted(since);
const findActionServer = (ctx: RequestContext, deps: ComputeDeps) =>
  findServer(deps, callerOf(ctx), ctx.params['server_id']!, {
    includeDeleted: atLeast(ctx.microversion, since),
  });

export const instanceActionRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/os-instance-actions',
    policy: 'os_compute_api:os-instance-actions:list',
    target: readDeleted,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findActionServer(ctx, deps);
      return { instanceActions: (await listActions(deps.store.db, s.id)).map(actionView) };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/os-instance-actions/:request_id',
    policy: 'os_compute_api:os-instance-actions:show',
    target: readDeleted,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findActionServer(ctx, deps);
      const a = (await listActions(deps.store.db, s.id)).find(
        (x) => x.requestId === ctx.params['request_id'],
      );
      if (a === undefined)
        throw new NotFoundError(
          'compute.instance_action.not_found',
          `Action ${ctx.params['request_id']} on instance ${s.id} could not be found.`,
        );
      // Nova shows events to those its events rule allows (admins), and to everyone only from 2.51.
      const allowed = ctx.can('os_compute_api:os-instance-actions:events', { project_id: s.projectId });
      if (!allowed && !atLeast(ctx.microversion, [2, 51])) return { instanceAction: actionView(a) };
      const events = await listEvents(deps.store.db, a.id);
      return { instanceAction: { ...actionView(a), events: events.map((e) => eventView(e, allowed)) } };
    },
  }),
];
