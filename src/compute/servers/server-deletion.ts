import type { ComputeDeps } from '../compute-deps.js';
import { isUp } from '../hosts/host-service.js';
import { getHostByName } from '../hosts/host-store.js';
import { recordEvent } from '../instance-actions/instance-action-store.js';
import type { Server } from './server-model.js';
import { PowerState } from './server-model.js';
import { getServer, updateServerIf } from './server-store.js';
import { discardSnapshotImage } from './snapshot-image.js';
import { releaseServerPorts } from '../networking/server-ports.js';
import type { Tx } from '../../db/db-handle.js';

/** The instance-action event a finished delete records. */
export interface DeletionEvent {
  readonly event: string;
  /** Where the delete ran: the agent's host, or null for the API (as Nova's API records none). */
  readonly host: string | null;
  readonly details?: string;
}

/**
 * The last step of a delete, once nothing runs on a host: release the allocations and ports first
 * (the server's, and those a resize in progress holds for its migration; idempotent, so a
 * crash before the row update simply replays), then, in one transaction, mark the row
 * deleted, leave its group, close its migrations and record the event. False when the
 * server changed meanwhile (someone else finished or changed it).
 */
export async function finalizeDeletion(
  deps: ComputeDeps,
  s: Server,
  how: DeletionEvent = { event: 'compute_terminate_instance', host: s.host },
): Promise<boolean> {
  const migrations = await openMigrations(deps, s.id);
  for (const consumer of [s.id, ...migrations]) await deps.placement.deleteAllocations(consumer);
  // Compute's ports go, the user's are unbound; idempotent like the allocations above.
  await releaseServerPorts(deps, s.id);
  const now = deps.clock().toISOString();
  const done = await deps.store.db.transaction().execute(async (tx) => {
    const set = {
      vm_state: 'deleted' as const,
      task_state: null,
      power_state: PowerState.NOSTATE,
      deleted_at: now,
      terminated_at: now,
    };
    if (!(await updateServerIf(tx, s.id, { generation: s.generation }, set, now))) return false;
    await tx.deleteFrom('server_group_members').where('server_id', '=', s.id).execute();
    // Nothing runs any more: the devices' owners see their attachments gone.
    await tx.deleteFrom('server_devices').where('server_id', '=', s.id).execute();
    await closeMigrations(tx, s.id, now);
    await recordEvent(tx, {
      serverId: s.id,
      action: 'delete',
      start: s.updatedAt,
      finish: now,
      ok: true,
      ...how,
    });
    return true;
  });
  // A snapshot cut short by the delete leaves no queued image (Nova deletes it too).
  if (done && s.pendingImageId !== null) await discardSnapshotImage(deps, s.pendingImageId);
  return done;
}

/** Nova's servicegroup answer for a server's host; a host no longer registered is down too. */
export async function hostIsDown(deps: ComputeDeps, hostname: string): Promise<boolean> {
  const host = await getHostByName(deps.store.db, hostname);
  return host === undefined || !isUp(deps, host);
}

/**
 * Nova's local delete (compute/api.py `_local_delete`): the server's host is down, so no
 * agent will tear it down; the control plane finishes the delete the API marked
 * ('deleting', its instance action started). Whatever still runs there is the host's to
 * remove when it comes back: its orphan reaper destroys the workloads of deleted servers.
 * A crash before the end leaves the server 'deleting': a second DELETE, or the host's
 * agent if it returns first, finishes it.
 */
export async function deleteLocally(deps: ComputeDeps, id: string, downHost: string): Promise<void> {
  // Named as Nova names events (`<prefix>_<function>`), for its `_local_delete`.
  const how = { event: 'api__local_delete', host: null, details: `host ${downHost} is down` };
  // A lost compare-and-set means another finisher (a second DELETE, a returning agent) moved first.
  for (let attempt = 0; attempt < 3; attempt++) {
    const s = await getServer(deps.store.db, id);
    if (s === undefined || s.deletedAt !== null || s.taskState !== 'deleting') return;
    if (await finalizeDeletion(deps, s, how)) return;
  }
}

/** Migrations of the server that still hold the old flavor on their source (resize not confirmed). */
async function openMigrations(deps: ComputeDeps, serverId: string): Promise<string[]> {
  const rows = await deps.store.db
    .selectFrom('migrations')
    .select('uuid')
    .where('server_id', '=', serverId)
    .where('status', 'in', ['migrating', 'finished'])
    .execute();
  return rows.map((r) => r.uuid);
}

/** As Nova confirms a resize waiting for it when the server is deleted; one still running failed. */
async function closeMigrations(tx: Tx, serverId: string, now: string): Promise<void> {
  for (const [from, to] of [
    ['finished', 'confirmed'],
    ['migrating', 'error'],
  ] as const) {
    await tx
      .updateTable('migrations')
      .set({ status: to, updated_at: now })
      .where('server_id', '=', serverId)
      .where('status', '=', from)
      .execute();
  }
}
