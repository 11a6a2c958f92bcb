import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { livePid } from '../agent/drivers/qemu/qemu-process.js';
import { workloadPaths } from '../agent/drivers/qemu/qemu-workload.js';
import type { Json, SoakApi } from './soak-api.js';
import { bodyIf } from './soak-api.js';
import { sleep } from './soak-context.js';
import type { SoakTally } from './soak-tally.js';

/** The qemu driver's state folder of the control plane (`<data>/instances/qemu`). */
export function qemuStateDir(dataDir: string): string {
  return join(dataDir, 'instances', 'qemu');
}

export interface SoakVm {
  readonly serverId: string;
  readonly pid: number;
}

/** The QEMU processes of this soak's VMs, found as the driver finds them (pidfile and command line). */
export async function soakVms(stateDir: string): Promise<SoakVm[]> {
  const ids = await readdir(stateDir).catch(() => [] as string[]);
  const found = await Promise.all(
    ids
      .filter((id) => !id.startsWith('.'))
      .map(async (serverId) => ({ serverId, pid: await livePid(workloadPaths(stateDir, serverId)) })),
  );
  return found.filter((v): v is SoakVm => v.pid !== undefined);
}

/** Nova's power_state RUNNING. */
const running = 1;

/** A server no task is acting on and that runs: killing its QEMU is what only the power sync can notice. */
export function idleRunning(server: Json): boolean {
  return (
    server['status'] === 'ACTIVE' &&
    (server['OS-EXT-STS:task_state'] ?? null) === null &&
    server['OS-EXT-STS:power_state'] === running
  );
}

/** Instance action times carry no zone in Nova's format: they are UTC. */
function actionTime(start: unknown): number {
  const text = String(start);
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
}

/**
 * The power sync's record that the server stopped on its own at or after `sinceMs`:
 * a `stop` action with Strata's power-sync request id, as Nova's sync_power_states stops
 * an instance whose hypervisor says it is off.
 */
export function powerSyncStop(actions: ReadonlyArray<Json>, sinceMs: number): Json | undefined {
  return actions.find(
    (a) =>
      a['action'] === 'stop' &&
      a['request_id'] === 'req-power-sync' &&
      actionTime(a['start_time']) >= sinceMs - 1000,
  );
}

/** A user's action (not the power sync's) that started on the server at or after `sinceMs`. */
export function clientActionSince(actions: ReadonlyArray<Json>, sinceMs: number): Json | undefined {
  return actions.find(
    (a) => a['request_id'] !== 'req-power-sync' && actionTime(a['start_time']) >= sinceMs - 1000,
  );
}

export interface KillQemuPlan {
  readonly api: SoakApi;
  readonly tally: SoakTally;
  readonly stateDir: string;
  /** How long to wait for an idle running VM to kill, and then for the power sync. */
  readonly findMs: number;
  readonly syncMs: number;
  readonly signal: AbortSignal;
}

async function showServer(api: SoakApi, id: string): Promise<Json | 'gone' | undefined> {
  const reply = await api.compute({ op: 'server show', method: 'GET', path: `/servers/${id}` });
  if (reply !== 'lost' && reply.status === 404) return 'gone';
  return bodyIf(reply, 200)?.['server'] as Json | undefined;
}

/**
 * One VM whose server runs with no task, waited for up to `findMs`; the most recently
 * launched, whose client holds it longest before acting on it again.
 */
async function findVictim(p: KillQemuPlan): Promise<SoakVm | undefined> {
  const until = Date.now() + p.findMs;
  while (Date.now() < until && !p.signal.aborted) {
    const idle: Array<SoakVm & { launched: string }> = [];
    for (const vm of await soakVms(p.stateDir)) {
      const server = await showServer(p.api, vm.serverId);
      if (typeof server === 'object' && idleRunning(server))
        idle.push({ ...vm, launched: String(server['OS-SRV-USG:launched_at']) });
    }
    const newest = idle.sort((a, b) => b.launched.localeCompare(a.launched))[0];
    if (newest !== undefined) return newest;
    await sleep(1000);
  }
  return undefined;
}

/**
 * SIGKILLs one VM's QEMU from outside (an OOM kill, an operator's kill). The qemu driver
 * never starts a QEMU it did not stop (its recovery only checks that QEMU answers), so
 * Strata's policy is Nova's: the power sync sees the VM off and the server goes SHUTOFF
 * until someone starts it. Returns the check of that (wrapped: an awaited promise would
 * run it now), or undefined when no VM was running idle.
 */
export async function killQemu(p: KillQemuPlan): Promise<{ readonly check: Promise<void> } | undefined> {
  const victim = await findVictim(p);
  if (victim === undefined) return undefined;
  const killedAt = Date.now();
  process.kill(victim.pid, 'SIGKILL');
  return { check: expectPowerSync(p, victim.serverId, killedAt) };
}

async function instanceActions(api: SoakApi, id: string): Promise<Json[]> {
  const path = `/servers/${id}/os-instance-actions`;
  const reply = await api.compute({ op: 'server actions', method: 'GET', path });
  return (bodyIf(reply, 200)?.['instanceActions'] as Json[] | undefined) ?? [];
}

/**
 * Waits for the power sync's stop, which is written with the server's move to SHUTOFF. A
 * client that deleted or acted on the server first leaves nothing to check (counted as an
 * outcome; the end checks still judge the server); a stop that never came is a violation.
 */
async function expectPowerSync(p: KillQemuPlan, id: string, killedAt: number): Promise<void> {
  const until = killedAt + p.syncMs;
  let last = 'unknown';
  while (Date.now() < until) {
    const server = await showServer(p.api, id);
    if (server === 'gone') return p.tally.outcome('kill-qemu: server deleted before the power sync');
    if (server !== undefined) last = `${server['status']}/${server['OS-EXT-STS:task_state']}`;
    const actions = await instanceActions(p.api, id);
    const stop = powerSyncStop(actions, killedAt);
    const client = stop === undefined ? clientActionSince(actions, killedAt) : undefined;
    if (client !== undefined)
      return p.tally.outcome(
        'kill-qemu: a client action reached the killed VM before the power sync',
        `(e.g. ${String(client['action'])})`,
      );
    if (stop !== undefined) {
      const seconds = ((actionTime(stop['start_time']) - killedAt) / 1000).toFixed(0);
      return p.tally.outcome(
        'kill-qemu: power sync stopped the server (SHUTOFF)',
        `(e.g. after ${seconds} s)`,
      );
    }
    await sleep(2000);
  }
  p.tally.violation(
    `kill-qemu: server ${id}'s QEMU was killed, but no power-sync stop within ${p.syncMs / 1000} s (server ${last})`,
  );
}
