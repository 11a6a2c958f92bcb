import { uuid } from '../../common/ids.js';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../db/db-handle.js';
import type { InstanceActionTable } from '../../db/tables/compute-tables.js';
import { insertRows, prepareQuery } from '../../db/prepared-query.js';

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
  await insertRows(
    db,
    'instance_actions',
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
  );
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
  const params = { serverId: e.serverId, action: e.action, finish: e.finish };
  await insertEvent.execute(db, {
    ...params,
    id: uuid(),
    event: e.event,
    start: e.start,
    result: e.ok ? 'Success' : 'Error',
    host: e.host,
    details: e.details ?? null,
  });
  await (e.ok ? closeAction : closeActionInError).execute(db, params);
}

type ActionKey = { serverId: string; action: string };

/** The server's latest action of that name. */
const latestAction = (db: Db, p: ActionKey) =>
  db
    .selectFrom('instance_actions')
    .where('server_id', '=', p.serverId)
    .where('action', '=', p.action)
    // Qualified: in ORDER BY a bare name would be the INSERT's select-list alias below.
    .orderBy('instance_actions.start_time', 'desc')
    // Two actions can start in the same millisecond: the tie goes as in listActions.
    .orderBy('instance_actions.id', 'desc')
    .limit(1);

const insertEvent = prepareQuery(
  (
    db,
    p: ActionKey & {
      id: string;
      event: string;
      start: string;
      finish: string;
      result: string;
      host: string | null;
      details: string | null;
    },
  ) =>
    db
      .insertInto('instance_action_events')
      .columns(['id', 'action_id', 'event', 'start_time', 'finish_time', 'result', 'host', 'details'])
      .expression(
        latestAction(db, p).select([
          sql.val(p.id).as('id'),
          'instance_actions.id as action_id',
          sql.val(p.event).as('event'),
          sql.val(p.start).as('start_time'),
          sql.val(p.finish).as('finish_time'),
          sql.val(p.result).as('result'),
          sql.val(p.host).as('host'),
          sql.val(p.details).as('details'),
        ]),
      ),
);

const closeAction = prepareQuery((db, p: ActionKey & { finish: string }) =>
  db
    .updateTable('instance_actions')
    .set({ finish_time: p.finish })
    .where('id', '=', latestAction(db, p).select('id')),
);

const closeActionInError = prepareQuery((db, p: ActionKey & { finish: string }) =>
  db
    .updateTable('instance_actions')
    .set({ finish_time: p.finish, message: 'Error' })
    .where('id', '=', latestAction(db, p).select('id')),
);

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
