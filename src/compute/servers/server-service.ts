import { ConflictError, NotFoundError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import { startAction } from '../instance-actions/instance-action-store.js';
import type { Caller } from './server-inputs.js';
import type { ServerAction } from './server-machine.js';
import { checkAction, serverActions } from './server-machine.js';
import type { Server } from './server-model.js';
import { deleteLocally, finalizeDeletion, hostIsDown } from './server-deletion.js';
import type { ServerChanges } from './server-store.js';
import { getServer, getServerWithTags, updateServerIf } from './server-store.js';

/**
 * The server if the caller may see it; another project's server is a 404, as in Nova.
 * Deleted servers are found only when asked (instance actions from 2.21).
 */
export async function findServer(
  deps: ComputeDeps,
  caller: Caller,
  id: string,
  opts: { readonly includeDeleted?: boolean } = {},
): Promise<Server> {
  const s = await getServerWithTags(deps.store.db, id);
  const hidden = s?.deletedAt !== null && opts.includeDeleted !== true;
  if (s === undefined || hidden || (s.projectId !== caller.projectId && !caller.isAdmin)) {
    throw new NotFoundError('compute.server.not_found', `Instance ${id} could not be found.`);
  }
  return s;
}

/** A locked server refuses non-admin actions with 409. */
export function checkLock(s: Server, caller: Caller): void {
  if (s.locked && !caller.isAdmin)
    throw new ConflictError('compute.server.locked', `Instance ${s.id} is locked`);
}

export interface ActionRequest {
  readonly caller: Caller;
  readonly requestId: string;
  /** Nova's name for the action in errors and instance actions ('reboot', 'stop', ...). */
  readonly novaName: string;
  readonly extra?: ServerChanges;
}

/**
 * Starts an agent-side action: checks lock and state, writes the task state with a
 * compare-and-set (a concurrent action loses with 409), records the instance action and
 * wakes the host's agent. The agent does the work and clears the task.
 */
export async function startServerAction(
  deps: ComputeDeps,
  s: Server,
  action: ServerAction,
  r: ActionRequest,
): Promise<void> {
  checkLock(s, r.caller);
  const rule = checkAction(s, action, r.novaName);
  const now = deps.clock().toISOString();
  const ok = await deps.store.db.transaction().execute(async (tx) => {
    const set = { task_state: rule.task, ...r.extra };
    const won = await updateServerIf(tx, s.id, { generation: s.generation }, set, now);
    if (won)
      await startAction(tx, {
        serverIds: [s.id],
        requestId: r.requestId,
        action: r.novaName,
        projectId: s.projectId,
        userId: r.caller.userId,
        now,
      });
    return won;
  });
  if (!ok)
    throw new ConflictError(
      'compute.server.concurrent',
      `Cannot '${r.novaName}' instance ${s.id}: it changed while the request was processed.`,
    );
  if (s.host !== null) deps.signals.host(s.host, s.id);
}

/**
 * DELETE /servers/{id}: a server never placed goes at once; one on a host that is down
 * goes at once too (Nova's local delete, `deleteLocally`); otherwise its agent tears it down.
 */
export async function deleteServer(
  deps: ComputeDeps,
  caller: Caller,
  id: string,
  requestId: string,
): Promise<void> {
  const s = await findServer(deps, caller, id);
  checkLock(s, caller);
  if (s.host === null) {
    // A server still being scheduled loses the race: the scheduler's compare-and-set fails and it releases its claim.
    const now = deps.clock().toISOString();
    const marked = await updateServerIf(
      deps.store.db,
      s.id,
      { generation: s.generation },
      { task_state: 'deleting' },
      now,
    );
    if (!marked)
      throw new ConflictError(
        'compute.server.concurrent',
        `Instance ${id} changed while being deleted; retry.`,
      );
    const fresh = await getServer(deps.store.db, id);
    if (fresh) await finalizeDeletion(deps, fresh);
    return;
  }
  // Judged before the mark, by the rule host_status and os-services use; a host that comes
  // back in between finishes the delete itself or finds the server gone and reaps it.
  const local = await hostIsDown(deps, s.host);
  await startServerAction(deps, s, 'delete', { caller, requestId, novaName: 'delete' });
  if (local) await deleteLocally(deps, s.id, s.host);
}

/** Lock and unlock need no agent: they are a row change (with who locked and why). */
export async function setLock(
  deps: ComputeDeps,
  caller: Caller,
  s: Server,
  lock: boolean,
  reason: string | null,
  requestId: string,
): Promise<void> {
  if (!lock && s.locked && s.lockedBy === 'admin' && !caller.isAdmin) {
    throw new ConflictError(
      'compute.server.locked_by_admin',
      `Instance ${s.id} is locked by an administrator`,
    );
  }
  const now = deps.clock().toISOString();
  const set: ServerChanges = lock
    ? {
        locked: 1,
        locked_by: caller.isAdmin && caller.projectId !== s.projectId ? 'admin' : 'owner',
        locked_reason: reason,
      }
    : { locked: 0, locked_by: null, locked_reason: null };
  await deps.store.db.transaction().execute(async (tx) => {
    if (!(await updateServerIf(tx, s.id, { generation: s.generation }, set, now))) {
      throw new ConflictError(
        'compute.server.concurrent',
        `Instance ${s.id} changed while being ${lock ? 'locked' : 'unlocked'}; retry.`,
      );
    }
    await startAction(tx, {
      serverIds: [s.id],
      requestId,
      action: lock ? 'lock' : 'unlock',
      projectId: s.projectId,
      userId: caller.userId,
      now,
    });
  });
}

export { serverActions };
