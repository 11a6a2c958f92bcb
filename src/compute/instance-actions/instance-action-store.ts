import { uuid } from '../../common/ids.js';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../db/db-handle.js';
import type { InstanceActionTable } from '../../db/tables/compute-tables.js';

export interface InstanceAction {
  readonly id: string;
  readonly serverId: string;
  readonly requestId: string;
  readonly action: string;
  readonly projectId: string;
  readonly userId: string;
  readonly startTime: string;
  readonly finishTime: string | null;
  readonly message: string | null;
}

export interface InstanceActionEvent {
  readonly event: string;
  readonly startTime: string;
  readonly finishTime: string | null;
  readonly result: 'Success' | 'Error' | null;
  readonly host: string | null;
  readonly details: string | null;
}

/** Records the start of a user action (the row `openstack server event list` shows). */
export async function startAction(
  db: Db,
  a: {
    serverIds: ReadonlyArray<string>;
    requestId: string;
    action: string;
    projectId: string;
    userId: string;
    now: string;
  },
): Promise<void> {
  if (a.serverIds.length === 0) return;
  await db
    .insertInto('instance_actions')
    .values(
      a.serverIds.map((serverId) => ({
        id: uuid(),
        server_id: serverId,
        request_id: a.requestId,
        action: a.action,
        project_id: a.projectId,
        user_id: a.userId,
        start_time: a.now,
        finish_time: null,
        message: null,
      })),
    )
    .execute();
}

/**
 * Adds a finished event to the server's latest action of that name (and closes it on error).
 * Two statements, each finding the action itself: nothing happens when there is none.
 */
export async function recordEvent(
  db: Db,
  e: {
    serverId: string;
    action: string;
    event: string;
    start: string;
    finish: string;
    ok: boolean;
    host: string | null;
    details?: string;
  },
): Promise<void> {
  const latest = db
    .selectFrom('instance_actions')
    .where('server_id', '=', e.serverId)
    .where('action', '=', e.action)
    // Qualified: in ORDER BY a bare name would be the INSERT's select-list alias below.
    .orderBy('instance_actions.start_time', 'desc')
    // Two actions can start in the same millisecond: the tie goes as in listActions.
    .orderBy('instance_actions.id', 'desc')
    .limit(1);
  await db
    .insertInto('instance_action_events')
    .columns(['id', 'action_id', 'event', 'start_time', 'finish_time', 'result', 'host', 'details'])
    .expression(
      latest.select([
        sql.val(uuid()).as('id'),
        'instance_actions.id as action_id',
        sql.val(e.event).as('event'),
        sql.val(e.start).as('start_time'),
        sql.val(e.finish).as('finish_time'),
        sql.val(e.ok ? 'Success' : 'Error').as('result'),
        sql.val(e.host).as('host'),
        sql.val(e.details ?? null).as('details'),
      ]),
    )
    .execute();
  await db
    .updateTable('instance_actions')
    .set({ finish_time: e.finish, ...(e.ok ? {} : { message: 'Error' }) })
    .where('id', '=', latest.select('id'))
    .execute();
}

const toAction = (r: Selectable<InstanceActionTable>): InstanceAction => ({
  id: r.id,
  serverId: r.server_id,
  requestId: r.request_id,
  action: r.action,
  projectId: r.project_id,
  userId: r.user_id,
  startTime: r.start_time,
  finishTime: r.finish_time,
  message: r.message,
});

/** 2.58's paging: newest first, after a marker action, changed since a time. */
export interface ActionPage {
  readonly limit?: number;
  readonly after?: InstanceAction;
  readonly changesSince?: string;
}

/**
 * Nova's updated_at: the action's start, then the time of its latest event (each event
 * recorded here is finished, and its finish closes the action).
 */
export const actionUpdatedAt = (a: InstanceAction): string => a.finishTime ?? a.startTime;

export async function listActions(
  db: Db,
  serverId: string,
  page: ActionPage = {},
): Promise<InstanceAction[]> {
  let q = db
    .selectFrom('instance_actions')
    .selectAll()
    .where('server_id', '=', serverId)
    .orderBy('start_time', 'desc')
    .orderBy('id', 'desc');
  const { after, changesSince } = page;
  if (after !== undefined)
    q = q.where((eb) =>
      eb.or([
        eb('start_time', '<', after.startTime),
        eb.and([eb('start_time', '=', after.startTime), eb('id', '<', after.id)]),
      ]),
    );
  if (changesSince !== undefined)
    q = q.where((eb) => eb(eb.fn.coalesce('finish_time', 'start_time'), '>=', changesSince));
  if (page.limit !== undefined) q = q.limit(page.limit);
  return (await q.execute()).map(toAction);
}

export async function listEvents(db: Db, actionId: string): Promise<InstanceActionEvent[]> {
  const rows = await db
    .selectFrom('instance_action_events')
    .selectAll()
    .where('action_id', '=', actionId)
    .orderBy('start_time')
    .execute();
  return rows.map((r) => ({
    event: r.event,
    startTime: r.start_time,
    finishTime: r.finish_time,
    result: r.result,
    host: r.host,
    details: r.details,
  }));
}

/** The server's latest action of a request (Nova's action_get_by_request_id). */
export async function findAction(
  db: Db,
  serverId: string,
  requestId: string,
): Promise<InstanceAction | undefined> {
  const r = await db
    .selectFrom('instance_actions')
    .selectAll()
    .where('server_id', '=', serverId)
    .where('request_id', '=', requestId)
    .orderBy('start_time', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return r && toAction(r);
}
