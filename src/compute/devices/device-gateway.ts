import { EventEmitter } from 'node:events';
import type {
  AssignedDevices,
  DeviceControlPlane,
  DeviceOutcome,
} from '../../agent/transport/control-plane.js';
import type { ComputeDeps } from '../compute-deps.js';
import { getServerPlacement } from '../servers/server-store.js';
import { devicesForHost } from './disk-source.js';
import {
  deleteAttachmentIf,
  getAttachment,
  hasPendingDevices,
  listServerDevices,
  serversWithPendingDevices,
  updateAttachmentIf,
} from './device-store.js';

/**
 * The device part of the control plane, in-process: what a host's agent must attach or
 * detach, and the outcomes it reports. Every report is a compare-and-set on the
 * attachment's generation, so a request that changed meanwhile is never overwritten by a
 * stale step; a detached device's attachment is removed.
 */
export class DeviceGateway implements DeviceControlPlane {
  readonly #events = new EventEmitter();

  constructor(
    readonly deps: ComputeDeps,
    /** Also tells remote agents (their long poll). */
    private readonly onNotify: (hostname: string, serverId: string) => void = () => undefined,
  ) {
    this.#events.setMaxListeners(0);
  }

  /** Wakes the host's device controller for one server. */
  notify(hostname: string, serverId: string): void {
    this.#events.emit(hostname, serverId);
    this.onNotify(hostname, serverId);
  }

  /** After a server step: wake the device controller if the server has device work waiting. */
  async notifyIfPending(hostname: string, serverId: string): Promise<void> {
    if (await hasPendingDevices(this.deps.store.db, serverId)) this.notify(hostname, serverId);
  }

  watch(hostname: string, onChange: (serverId: string) => void): () => void {
    this.#events.on(hostname, onChange);
    return () => this.#events.off(hostname, onChange);
  }

  listPending(hostname: string): Promise<ReadonlyArray<string>> {
    return serversWithPendingDevices(this.deps.store.db, hostname);
  }

  async getAssigned(hostname: string, serverId: string): Promise<AssignedDevices | undefined> {
    const s = await getServerPlacement(this.deps.store.db, serverId);
    if (s === undefined || s.host !== hostname || s.deletedAt !== null) return undefined;
    // Device steps wait while a task runs (the controller checks this first): the
    // attachments are not read then; the task's end wakes the controller again.
    if (s.taskState !== null || s.vmState === 'building')
      return { serverId, vmState: s.vmState, taskState: s.taskState, attachments: [] };
    const attachments = await devicesForHost(
      this.deps,
      serverId,
      hostname,
      await listServerDevices(this.deps.store.db, serverId),
    );
    return {
      serverId,
      vmState: s.vmState,
      taskState: s.taskState,
      ...(s.workloadHandle !== null && { handle: s.workloadHandle }),
      attachments: attachments.map((a) => ({
        id: a.id,
        generation: a.generation,
        desired: a.desired,
        status: a.status,
        device: a.device,
      })),
    };
  }

  async reportPort(
    hostname: string,
    serverId: string,
    portId: string,
    status: 'ACTIVE' | 'DOWN',
    vifType: string,
  ): Promise<boolean> {
    const s = await getServerPlacement(this.deps.store.db, serverId);
    if (s === undefined || s.host !== hostname || s.deletedAt !== null) return false;
    return this.deps.network.setPortStatus(portId, hostname, status, vifType);
  }

  async report(
    hostname: string,
    attachmentId: string,
    generation: number,
    outcome: DeviceOutcome,
  ): Promise<boolean> {
    const db = this.deps.store.db;
    const a = await getAttachment(db, attachmentId);
    if (a === undefined || a.generation !== generation) return false;
    const s = await getServerPlacement(db, a.serverId);
    if (s === undefined || s.host !== hostname) return false;
    const now = this.deps.clock().toISOString();
    if (outcome.kind === 'failed')
      return updateAttachmentIf(db, a.id, generation, { status: 'error', fault: outcome.message }, now);
    if (outcome.kind === 'detached') {
      if (a.desired !== 'detached') return false;
      return deleteAttachmentIf(db, a.id, generation);
    }
    if (a.desired !== 'attached') return false;
    return updateAttachmentIf(db, a.id, generation, { status: 'attached', fault: null }, now);
  }
}
