import { NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import { secondsTime } from '../../common/time.js';
import type { ComputeDeps } from '../compute-deps.js';
import {
  instanceActionListResponse,
  instanceActionShowResponse,
} from './instance-action-response-schemas.js';
import { callerOf, serverTargetWithDeleted } from '../servers/server-caller.js';
import { findServer } from '../servers/server-service.js';
import type { InstanceAction, InstanceActionEvent } from './instance-action-store.js';
import { actionUpdatedAt, findAction, listActions, listEvents } from './instance-action-store.js';
import { changesPageParser } from '../compute-changes-page.js';
import { nextPageLinks } from '../../common/http/pagination.js';
import { keypairMarkerNotFound } from '../compute-paging.js';
import type { Microversion } from '../../common/http/microversion.js';

/** 2.58 adds updated_at (when the action or its latest event last changed). */
function actionView(a: InstanceAction, mv: Microversion | undefined) {
  return {
    action: a.action,
    instance_uuid: a.serverId,
    message: a.message,
    project_id: a.projectId,
    request_id: a.requestId,
    start_time: secondsTime(a.startTime),
    user_id: a.userId,
    ...(atLeast(mv, [2, 58]) && { updated_at: secondsTime(actionUpdatedAt(a)) }),
  };
}

const changesPage = changesPageParser();

/** GET os-instance-actions: everything before 2.58; from it, pages and changes-since. */
async function listPage(ctx: RequestContext, deps: ComputeDeps, serverId: string) {
  const mv = ctx.microversion;
  if (!atLeast(mv, [2, 58]))
    return { instanceActions: (await listActions(deps.store.db, serverId)).map((a) => actionView(a, mv)) };
  const { page, changesSince } = changesPage(ctx.query);
  const after =
    page.marker === undefined ? undefined : await findAction(deps.store.db, serverId, page.marker);
  if (page.marker !== undefined && after === undefined) throw keypairMarkerNotFound(page.marker);
  const actions = await listActions(deps.store.db, serverId, {
    limit: page.limit,
    ...(after !== undefined && { after }),
    ...(changesSince !== undefined && { changesSince }),
  });
  const links = nextPageLinks(
    ctx.url,
    ctx.query,
    page,
    actions.map((a) => ({ id: a.requestId })),
  );
  const instanceActions = actions.map((a) => actionView(a, mv));
  // Nova names the next-page link list plain `links` here.
  return links.length > 0 ? { instanceActions, links } : { instanceActions };
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
    response: instanceActionListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findActionServer(ctx, deps);
      return listPage(ctx, deps, s.id);
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/servers/:server_id/os-instance-actions/:request_id',
    policy: 'os_compute_api:os-instance-actions:show',
    target: readDeleted,
    successStatus: 200,
    response: instanceActionShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findActionServer(ctx, deps);
      const a = await findAction(deps.store.db, s.id, ctx.params['request_id']!);
      if (a === undefined)
        throw new NotFoundError(
          'compute.instance_action.not_found',
          `Action ${ctx.params['request_id']} on instance ${s.id} could not be found.`,
        );
      // Nova shows events to those its events rule allows (admins), and to everyone only from 2.51.
      const allowed = ctx.can('os_compute_api:os-instance-actions:events', { project_id: s.projectId });
      if (!allowed && !atLeast(ctx.microversion, [2, 51]))
        return { instanceAction: actionView(a, ctx.microversion) };
      const events = await listEvents(deps.store.db, a.id);
      return {
        instanceAction: {
          ...actionView(a, ctx.microversion),
          events: events.map((e) => eventView(e, allowed)),
        },
      };
    },
  }),
];
