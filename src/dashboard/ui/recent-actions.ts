import { serviceCall } from './api.js';
import type { Session } from './session.js';

/** How far the overview looks: the servers changed last, and the actions it shows. */
export const recentServers = 5;
export const recentActions = 10;

/** One row of the overview's panel: a Nova instance action (2.58) and whose server it was. */
export interface RecentAction {
  readonly action: string;
  readonly requestId: string;
  readonly userId: string;
  readonly startTime: string;
  readonly message: string | null;
  readonly server: { readonly id: string; readonly name: string };
  /** From the action's events when Nova shows them (2.51+): Success, Error or In progress. */
  readonly result?: string;
}

interface ActionBody {
  action: string;
  request_id: string;
  user_id: string;
  start_time: string;
  message: string | null;
}
interface EventBody {
  finish_time: string | null;
  result: string | null;
}

/** Settled results never change again: each action's events are read once they are final. */
const settled = new Map<string, string>();

/** Nova's event results folded into one word; undefined when the events are not shown. */
export function resultOf(events: EventBody[] | undefined): string | undefined {
  if (events === undefined) return undefined;
  if (events.some((e) => e.result === 'Error')) return 'Error';
  if (events.length === 0 || events.some((e) => e.finish_time === null)) return 'In progress';
  return 'Success';
}

/**
 * The project's latest actions, newest first. Requests: one servers list (the few changed last,
 * as every action updates its server), one action page per such server, and one action show per
 * listed action whose result is not yet settled.
 */
export async function loadRecentActions(s: Session): Promise<RecentAction[]> {
  const { servers } = await serviceCall<{ servers: Array<{ id: string; name: string }> }>(
    s,
    'compute',
    `/servers?sort_key=updated_at&sort_dir=desc&limit=${recentServers}`,
  );
  const pages = await Promise.all(servers.map((server) => actionsOf(s, server)));
  const latest = pages
    .flat()
    .sort((a, b) => b.startTime.localeCompare(a.startTime))
    .slice(0, recentActions);
  return Promise.all(latest.map((a) => withResult(s, a)));
}

async function actionsOf(s: Session, server: { id: string; name: string }): Promise<RecentAction[]> {
  const { instanceActions } = await serviceCall<{ instanceActions: ActionBody[] }>(
    s,
    'compute',
    `/servers/${server.id}/os-instance-actions?limit=${recentActions}`,
  );
  return instanceActions.map((a) => ({
    action: a.action,
    requestId: a.request_id,
    userId: a.user_id,
    startTime: a.start_time,
    message: a.message,
    server,
  }));
}

async function withResult(s: Session, a: RecentAction): Promise<RecentAction> {
  const known = settled.get(a.requestId);
  if (known !== undefined) return { ...a, result: known };
  const { instanceAction } = await serviceCall<{ instanceAction: { events?: EventBody[] } }>(
    s,
    'compute',
    `/servers/${a.server.id}/os-instance-actions/${a.requestId}`,
  );
  const result = resultOf(instanceAction.events);
  if (result === 'Success' || result === 'Error') settled.set(a.requestId, result);
  return result === undefined ? a : { ...a, result };
}
