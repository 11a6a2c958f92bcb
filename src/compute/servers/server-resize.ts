import { ConflictError, InputError } from '../../common/errors.js';
import { checkResizeDisk } from '../block-devices/volume-backed-resize.js';
import type { ComputeDeps } from '../compute-deps.js';
import { startAction } from '../instance-actions/instance-action-store.js';
import { enforceServerQuota } from '../quotas/quota-enforcement.js';
import { resourcesOf } from '../scheduling/scheduling-inputs.js';
import type { Caller } from './server-inputs.js';
import { resolveFlavor, resolveImage } from './server-inputs.js';
import { checkAction } from './server-machine.js';
import type { EmbeddedFlavor, Server } from './server-model.js';
import { PowerState } from './server-model.js';
import { checkLock, startServerAction } from './server-service.js';
import type { ServerChanges } from './server-store.js';
import { updateServerIf } from './server-store.js';

/** `resize`: checks the new flavor, then the scheduler places the server under it (task resize_prep). */
export async function resizeServer(
  deps: ComputeDeps,
  caller: Caller,
  s: Server,
  flavorRef: string,
  requestId: string,
): Promise<void> {
  const flavor = await resolveFlavor(deps, flavorRef, caller);
  if (flavor.id === s.flavor.id)
    throw new InputError('compute.server.same_flavor', 'When resizing, instances must change flavor!');
  // A volume-backed server has no image to hold the new flavor's disk against.
  if (!(await checkResizeDisk(deps, s, flavor)))
    await resolveImage(deps, s.imageId, { ...caller, isAdmin: true }, flavor);
  const delta = {
    instances: 0,
    cores: Math.max(0, flavor.vcpus - s.flavor.vcpus),
    ram: Math.max(0, flavor.ram - s.flavor.ram),
  };
  await enforceServerQuota(deps.store.db, s.projectId, delta, deps.config);
  await startServerAction(deps, s, 'resize', {
    caller,
    requestId,
    novaName: 'resize',
    extra: { new_flavor: JSON.stringify(flavor) },
  });
  deps.signals.scheduling();
}

async function finishedMigration(deps: ComputeDeps, s: Server) {
  const m = await deps.store.db
    .selectFrom('migrations')
    .selectAll()
    .where('server_id', '=', s.id)
    .where('status', '=', 'finished')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (m === undefined)
    throw new ConflictError(
      'compute.server.no_migration',
      `Instance ${s.id} has no finished resize to confirm or revert.`,
    );
  return m;
}

/** `confirmResize`: releases the old flavor held on the source; the server keeps running as resized. */
export async function confirmResize(
  deps: ComputeDeps,
  caller: Caller,
  s: Server,
  requestId: string,
): Promise<void> {
  checkLock(s, caller);
  checkAction(s, 'confirm_resize', 'confirmResize');
  const m = await finishedMigration(deps, s);
  await deps.placement.deleteAllocations(m.uuid);
  const set: ServerChanges = {
    vm_state: s.powerState === PowerState.SHUTDOWN ? 'stopped' : 'active',
    old_flavor: null,
  };
  await commit(deps, s, set, {
    migration: m.id,
    status: 'confirmed',
    action: 'confirmResize',
    caller,
    requestId,
  });
}

/**
 * `revertResize`: the server takes its old flavor back on the source host (whose room the
 * migration held), the new claim goes, and the source agent rebuilds it there.
 */
export async function revertResize(
  deps: ComputeDeps,
  caller: Caller,
  s: Server,
  requestId: string,
): Promise<void> {
  checkLock(s, caller);
  checkAction(s, 'revert_resize', 'revertResize');
  const m = await finishedMigration(deps, s);
  const old = s.oldFlavor;
  const source = await sourceHost(deps, m.source_compute);
  if (old === null || source === undefined)
    throw new ConflictError(
      'compute.server.revert_impossible',
      `Instance ${s.id} cannot go back to its source host.`,
    );
  await moveClaimToSource(deps, s, m.uuid, source, old);
  const set = backOnSource(source, old);
  await commit(deps, s, set, {
    migration: m.id,
    status: 'reverted',
    action: 'revertResize',
    caller,
    requestId,
  });
  deps.signals.host(source.hostname, s.id);
  if (s.host !== null && s.host !== source.hostname) deps.signals.host(s.host, s.id);
}

async function commit(
  deps: ComputeDeps,
  s: Server,
  set: ServerChanges,
  m: { migration: number; status: string; action: string; caller: Caller; requestId: string },
): Promise<void> {
  const now = deps.clock().toISOString();
  await deps.store.db.transaction().execute(async (tx) => {
    if (!(await updateServerIf(tx, s.id, { generation: s.generation, taskState: null }, set, now))) {
      throw new ConflictError(
        'compute.server.concurrent',
        `Instance ${s.id} changed during ${m.action}; retry.`,
      );
    }
    await tx
      .updateTable('migrations')
      .set({ status: m.status, updated_at: now })
      .where('id', '=', m.migration)
      .execute();
    await startAction(tx, {
      serverIds: [s.id],
      requestId: m.requestId,
      action: m.action,
      projectId: s.projectId,
      userId: m.caller.userId,
      now,
    });
  });
}

export interface SourceHost {
  readonly hostname: string;
  readonly provider_id: string;
}

/** The host a migration started from, while it is still registered. */
export function sourceHost(deps: ComputeDeps, hostname: string | null): Promise<SourceHost | undefined> {
  return deps.store.db
    .selectFrom('compute_hosts')
    .select(['hostname', 'provider_id'])
    .where('hostname', '=', hostname ?? '')
    .executeTakeFirst();
}

/**
 * One placement write: the server claims its old flavor on the source again (the room the
 * migration consumer held there) and the migration's claim goes. Idempotent.
 */
export async function moveClaimToSource(
  deps: ComputeDeps,
  s: Server,
  migrationUuid: string,
  source: SourceHost,
  old: EmbeddedFlavor,
): Promise<void> {
  await deps.placement.writeAllocationsBatch([
    {
      consumerId: s.id,
      projectId: s.projectId,
      userId: s.userId,
      allocations: [
        { providerId: source.provider_id, resources: resourcesOf({ flavor: old, imageId: s.imageId }) },
      ],
    },
    { consumerId: migrationUuid, projectId: s.projectId, userId: s.userId, allocations: [] },
  ]);
}

/** The row of a server going back to its source with its old flavor; the source agent rebuilds it. */
export function backOnSource(source: SourceHost, old: EmbeddedFlavor): ServerChanges {
  return {
    task_state: 'resize_reverting',
    host: source.hostname,
    node: source.hostname,
    flavor: JSON.stringify(old),
    flavor_id: old.id,
    vcpus: old.vcpus,
    memory_mb: old.ram,
    root_gb: old.disk,
    old_flavor: null,
  };
}
