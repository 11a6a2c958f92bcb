import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { EventEmitter } from 'node:events';
import type {
  AgentStep,
  ConsoleLogReader,
  ControlPlane,
  HostControlPlane,
  HostRegistration,
  SerialConsoleServer,
  ServerControlPlane,
  StepOutcome,
} from '../../agent/transport/control-plane.js';
import { DeviceGateway } from '../devices/device-gateway.js';
import { markBuiltAttached } from '../devices/device-store.js';
import type { ComputeDeps } from '../compute-deps.js';
import { recordEvent } from '../instance-actions/instance-action-store.js';
import { finalizeDeletion } from '../servers/server-deletion.js';
import type { Server } from '../servers/server-model.js';
import { getServer, updateServerIf } from '../servers/server-store.js';
import { discardSnapshotImage } from '../servers/snapshot-image.js';
import { HostEvents } from './host-events.js';
import { NetworkGateway } from './network-gateway.js';
import { ImageGateway } from './image-gateway.js';
import { heartbeat, registerHost } from './host-registry.js';
import { buildRetry } from './build-retry.js';
import { recoverFailedResize } from './resize-failure.js';
import { changesFor } from './step-outcome.js';
import { taskRule } from '../servers/server-tasks.js';
import { workloadOf } from './workload-spec.js';

/**
 * The control plane as host agents see it, in-process: the host and server parts here,
 * the device part in `devices` (src/compute/devices). An agent only ever reads and
 * changes servers assigned to its own host. `notify` is what the API and the scheduler
 * call to wake a host's agent for one server.
 */
export class AgentGateway implements HostControlPlane, ServerControlPlane {
  readonly #events = new EventEmitter();
  /** The same notices, numbered, for agents that long-poll over HTTP. */
  readonly changes = new HostEvents();
  readonly devices: DeviceGateway;
  readonly networks: NetworkGateway;
  readonly images: ImageGateway;
  /** Every part, as the in-process agents get it. */
  readonly controlPlane: ControlPlane;
  readonly #consoleReplies = new Map<string, (r: { output?: string; error?: string }) => void>();
  /** Console readers of the agents in this process, by host. */
  readonly #localConsoles = new Map<string, ConsoleLogReader>();
  /** Serial consoles of the agents in this process, by host (remote agents serve none yet). */
  readonly #serialConsoles = new Map<string, SerialConsoleServer>();

  constructor(readonly deps: ComputeDeps) {
    this.#events.setMaxListeners(0);
    this.devices = new DeviceGateway(deps, (host, id) => this.changes.add(host, id, undefined, 'devices'));
    this.networks = new NetworkGateway(deps, () => this.changes.networkChanged());
    this.images = new ImageGateway(deps);
    this.controlPlane = {
      hosts: this,
      servers: this,
      devices: this.devices,
      networks: this.networks,
      images: this.images,
    };
  }

  serveConsoleLogs(hostname: string, read: ConsoleLogReader): void {
    this.#localConsoles.set(hostname, read);
  }

  serveSerialConsoles(hostname: string, consoles: SerialConsoleServer): void {
    this.#serialConsoles.set(hostname, consoles);
  }

  /** The serial consoles of a host whose agent runs in this process; undefined for remote hosts. */
  serialConsoles(hostname: string): SerialConsoleServer | undefined {
    return this.#serialConsoles.get(hostname);
  }

  /**
   * A server's console log from the agent of its host: directly for an agent in this
   * process, else through the host's long poll (fails after 15 s).
   */
  requestConsole(hostname: string, serverId: string, lines?: number): Promise<string> {
    const local = this.#localConsoles.get(hostname);
    if (local !== undefined) return local(serverId, lines);
    const id = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#consoleReplies.delete(id);
        reject(new Error(`host ${hostname} did not send the console log of ${serverId}`));
      }, 15_000);
      this.#consoleReplies.set(id, (r) => {
        clearTimeout(timer);
        this.#consoleReplies.delete(id);
        if (r.error !== undefined) reject(new Error(r.error));
        else resolve(r.output ?? '');
      });
      this.changes.add(hostname, serverId, { id, serverId, ...(lines !== undefined && { lines }) });
    });
  }

  /** A remote agent's answer to requestConsole; false when nobody waits for it any more. */
  answerConsole(requestId: string, reply: { output?: string; error?: string }): boolean {
    const answer = this.#consoleReplies.get(requestId);
    answer?.(reply);
    return answer !== undefined;
  }

  /**
   * Wakes the host's agent for the server and for its devices (the API changed one or the
   * other); for the server alone with `only`, when the devices have nothing to do yet.
   */
  notify(hostname: string, serverId: string, only?: 'server'): void {
    this.#events.emit(hostname, serverId);
    this.changes.add(hostname, serverId);
    if (only !== 'server') this.devices.notify(hostname, serverId);
  }

  watch(hostname: string, onChange: (serverId: string) => void): () => void {
    this.#events.on(hostname, onChange);
    return () => this.#events.off(hostname, onChange);
  }

  async registerHost(reg: HostRegistration): Promise<void> {
    await registerHost(this.deps, reg);
    this.deps.signals.hostsChanged();
  }

  heartbeat(hostname: string): Promise<void> {
    return heartbeat(this.deps, hostname);
  }

  async listAssigned(hostname: string): Promise<ReadonlyArray<string>> {
    const rows = await this.deps.store.db
      .selectFrom('servers')
      .select('id')
      .where('host', '=', hostname)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((r) => r.id);
  }

  async deletedAmong(serverIds: ReadonlyArray<string>): Promise<ReadonlyArray<string>> {
    if (serverIds.length === 0) return [];
    const rows = await this.deps.store.db
      .selectFrom('servers')
      .select('id')
      .where('id', 'in', [...serverIds])
      .where('deleted_at', 'is not', null)
      .execute();
    return rows.map((r) => r.id);
  }

  async getAssigned(hostname: string, serverId: string) {
    const s = await this.#assigned(hostname, serverId);
    if (s === undefined) return undefined;
    const { spec, devices } = await workloadOf(this.deps, s);
    return {
      id: s.id,
      generation: s.generation,
      vmState: s.vmState,
      taskState: s.taskState,
      step: agentStepOf(s.taskState),
      desiredPower: s.desiredPower,
      spec,
      devices,
      ...(s.workloadHandle !== null && { handle: s.workloadHandle }),
      ...(s.pendingImageId !== null && { pendingImageId: s.pendingImageId }),
    };
  }

  async report(
    hostname: string,
    serverId: string,
    generation: number,
    outcome: StepOutcome,
  ): Promise<boolean> {
    const s = await this.#assigned(hostname, serverId);
    if (s === undefined || s.generation !== generation) return false;
    if (outcome.kind === 'destroyed') return finalizeDeletion(this.deps, s);
    const now = this.deps.clock().toISOString();
    const failed = outcome.kind === 'failed' ? outcome : undefined;
    const retry = failed && buildRetry(s, failed, this.deps.config.schedulerMaxAttempts, now);
    const resize =
      failed && s.taskState === 'resize_migrating'
        ? await recoverFailedResize(this.deps, s, failed.message, now)
        : undefined;
    const set = retry?.set ?? resize?.set ?? changesFor(s, outcome, now);
    // The new state and its instance-action record commit together (and as one write).
    const ok = await this.deps.store.write(async (tx) => {
      if (!(await updateServerIf(tx, s.id, { generation: s.generation }, set, now))) return false;
      await this.#recordOutcome(tx, s, outcome, hostname, now);
      // A build put its devices on the workload: settle them now rather than in a device pass.
      if (outcome.kind === 'done' && agentStepOf(s.taskState) === 'create')
        await markBuiltAttached(tx, s.id, outcome.devices, now);
      if (resize !== undefined) await markMigration(tx, s.id, 'error', now);
      return true;
    });
    if (!ok) return false;
    if (retry?.reschedule === true) {
      // The claim on the failed host stays until the next claim replaces it in one placement
      // write: released earlier, a replayed build could run unclaimed; later, it could wipe the new one.
      this.deps.signals.scheduling();
    } else if (failed && s.taskState === 'spawning') {
      // Placement has its own transactions: a failed build gives its claim back after the commit.
      await this.deps.placement.deleteAllocations(s.id);
    }
    for (const h of resize?.wake ?? []) this.deps.signals.host(h, s.id);
    // A finished task may unblock device steps that waited for it.
    if (outcome.kind === 'done' || outcome.kind === 'failed')
      await this.devices.notifyIfPending(hostname, s.id);
    // Nova deletes the image of a failed snapshot; an upload that finished keeps it.
    if (failed && s.taskState === 'image_snapshot' && s.pendingImageId !== null)
      await discardSnapshotImage(this.deps, s.pendingImageId);
    return true;
  }

  async uploadSnapshot(
    hostname: string,
    serverId: string,
    data: NodeJS.ReadableStream | Buffer,
  ): Promise<void> {
    const row = await this.deps.store.db
      .selectFrom('servers')
      .select(['pending_image_id', 'host'])
      .where('id', '=', serverId)
      .executeTakeFirst();
    if (row === undefined || row.host !== hostname || row.pending_image_id === null)
      throw new Error(`no snapshot pending for ${serverId}`);
    await this.deps.images.uploadImageData(row.pending_image_id, data);
  }

  async #assigned(hostname: string, serverId: string): Promise<Server | undefined> {
    const s = await getServer(this.deps.store.db, serverId);
    return s !== undefined && s.host === hostname && s.deletedAt === null ? s : undefined;
  }

  async #recordOutcome(
    db: Transaction<Database>,
    s: Server,
    o: Exclude<StepOutcome, { kind: 'destroyed' }>,
    host: string,
    now: string,
  ): Promise<void> {
    if (o.kind === 'observed') {
      // The host changed on its own: say so in the instance actions, as Nova's power sync does.
      const action = o.power === 'missing' ? 'error' : o.power === 'running' ? 'start' : 'stop';
      await db
        .insertInto('instance_actions')
        .values({
          id: crypto.randomUUID(),
          server_id: s.id,
          request_id: 'req-power-sync',
          action,
          project_id: s.projectId,
          user_id: s.userId,
          start_time: now,
          finish_time: now,
          message: o.reason ?? `observed ${o.power}`,
        })
        .execute();
      return;
    }
    const action = taskRule(s.taskState)?.action;
    if (action === undefined) return;
    const event =
      s.taskState === 'spawning' ? 'compute__do_build_and_run_instance' : `compute_${action}_instance`;
    await recordEvent(db, {
      serverId: s.id,
      action,
      event,
      start: s.updatedAt,
      finish: now,
      ok: o.kind === 'done',
      host,
      ...(o.kind === 'failed' && { details: o.message }),
    });
    if (o.kind === 'done' && s.taskState === 'resize_migrating')
      await markMigration(db, s.id, 'finished', now);
  }
}

/** What the agent does for a task: its step, 'observe' with none, 'wait' while the control plane works. */
function agentStepOf(task: string | null): AgentStep | 'observe' | 'wait' {
  if (task === null) return 'observe';
  return taskRule(task)?.step ?? 'wait';
}

/** Ends the server's migration in progress ('finished' waits for confirm or revert). */
async function markMigration(
  db: Transaction<Database>,
  serverId: string,
  status: 'finished' | 'error',
  now: string,
): Promise<void> {
  await db
    .updateTable('migrations')
    .set({ status, updated_at: now })
    .where('server_id', '=', serverId)
    .where('status', '=', 'migrating')
    .execute();
}
