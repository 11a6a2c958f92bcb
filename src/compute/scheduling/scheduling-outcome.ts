import type { Claim } from '../../scheduler/plan-applier.js';
import type { ComputeDeps } from '../compute-deps.js';
import { recordEvent } from '../instance-actions/instance-action-store.js';
import type { Server } from '../servers/server-model.js';
import { updateServerIf } from '../servers/server-store.js';
import { deviceOwnerOf } from '../networking/server-ports.js';

/**
 * Moves placed servers to 'spawning' on their host. A server deleted or changed while it
 * was being placed loses the compare-and-set; its claim is released.
 */
export async function commitPlacements(
  deps: ComputeDeps,
  servers: ReadonlyArray<Server>,
  allCommitted: ReadonlyArray<Claim>,
): Promise<void> {
  const byId = new Map(servers.map((s) => [s.id, s]));
  // Only new builds: resize and migration claims in the same plan are committed elsewhere.
  const committed = allCommitted.filter((c) => byId.has(c.consumerId));
  if (committed.length === 0) return;
  const now = deps.clock().toISOString();
  const zones = await hostZones(deps, committed);
  const lost: string[] = [];
  await deps.store.db.transaction().execute(async (tx) => {
    for (const c of committed) {
      const s = byId.get(c.consumerId)!;
      const set = {
        host: c.hostname,
        node: c.hostname,
        task_state: 'spawning' as const,
        // Like Nova, a server that asked for no zone records the zone it landed in.
        availability_zone: s.availabilityZone ?? zones.get(c.hostname) ?? null,
        scheduling: JSON.stringify({ host: c.hostname, at: now }),
        build_attempts: JSON.stringify([
          ...s.buildAttempts,
          { host: c.hostname, at: now, requestedZone: s.availabilityZone },
        ]),
      };
      if (!(await updateServerIf(tx, s.id, { generation: s.generation, taskState: 'scheduling' }, set, now)))
        lost.push(s.id);
    }
  });
  for (const id of lost) await deps.placement.deleteAllocations(id);
  await bindPortsToHosts(deps, byId, committed, zones, lost);
  // A build puts its devices on the workload; its report wakes the device controller if more wait.
  for (const c of committed)
    if (!lost.includes(c.consumerId)) deps.signals.host(c.hostname, c.consumerId, 'server');
}

/** The placed servers' ports get their host (binding:host_id) and zone (device_owner), per host and zone. */
async function bindPortsToHosts(
  deps: ComputeDeps,
  byId: ReadonlyMap<string, Server>,
  committed: ReadonlyArray<Claim>,
  zones: ReadonlyMap<string, string>,
  lost: ReadonlyArray<string>,
): Promise<void> {
  const groups = new Map<string, { host: string; owner: string; ids: string[] }>();
  for (const c of committed) {
    if (lost.includes(c.consumerId)) continue;
    const owner = deviceOwnerOf(byId.get(c.consumerId)!.availabilityZone ?? zones.get(c.hostname) ?? null);
    const key = `${c.hostname} ${owner}`;
    const g = groups.get(key) ?? { host: c.hostname, owner, ids: [] };
    g.ids.push(c.consumerId);
    groups.set(key, g);
  }
  await deps.network.bindHosts(
    [...groups.values()].map((g) => ({ deviceIds: g.ids, host: g.host, deviceOwner: g.owner })),
  );
}

/**
 * Nova's NoValidHost: the server goes to ERROR with a fault whose details (admins only) say
 * why. A rescheduled build still holds its claim on the host that failed it (the next claim
 * would have replaced it): that claim goes once the row says ERROR.
 */
export async function failScheduling(
  deps: ComputeDeps,
  failed: ReadonlyArray<{ server: Server; detail: string }>,
): Promise<void> {
  const now = deps.clock().toISOString();
  for (const { server, detail } of failed) {
    // A resize that finds no host leaves the server as it was, with the fault recorded (Nova).
    const resize = server.taskState === 'resize_prep';
    const fault = JSON.stringify({
      code: 500,
      message: 'No valid host was found. ',
      details: resize ? detail : detail + triedText(server),
      created: now,
    });
    const set = resize
      ? { task_state: null, new_flavor: null, fault }
      : { vm_state: 'error' as const, task_state: null, fault };
    const ok = await updateServerIf(
      deps.store.db,
      server.id,
      { generation: server.generation, taskState: server.taskState },
      set,
      now,
    );
    if (ok && !resize && server.buildAttempts.length > 0) await deps.placement.deleteAllocations(server.id);
    if (ok) {
      await recordEvent(deps.store.db, {
        serverId: server.id,
        action: resize ? 'resize' : 'create',
        event: resize ? 'conductor_migrate_server' : 'conductor_schedule_and_build_instances',
        start: now,
        finish: now,
        ok: false,
        host: null,
        details: detail,
      });
    }
  }
}

/** "; build failed on fake-0001: <why>" — where a rescheduled build failed before. */
function triedText(s: Server): string {
  const failed = s.buildAttempts.filter((a) => a.failure !== undefined);
  return failed.map((a) => `; build failed on ${a.host}: ${a.failure}`).join('');
}

async function hostZones(deps: ComputeDeps, claims: ReadonlyArray<Claim>): Promise<Map<string, string>> {
  const names = [...new Set(claims.map((c) => c.hostname))];
  const rows = await deps.store.db
    .selectFrom('compute_hosts')
    .select(['hostname', 'availability_zone'])
    .where('hostname', 'in', names)
    .execute();
  return new Map(rows.map((r) => [r.hostname, r.availability_zone]));
}
