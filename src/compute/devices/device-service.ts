import type { DeviceRef, WorkloadDevice } from '../../agent/drivers/driver.js';
import { deviceRefOf, sameDiskQos } from '../../agent/drivers/driver.js';
import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import { getServer } from '../servers/server-store.js';
import { checkDevice } from './device-checks.js';
import type { DeviceAttachment } from './device-store.js';
import {
  deleteAttachmentIf,
  getServerDevice,
  insertAttachment,
  listServerDevices,
  updateAttachmentIf,
} from './device-store.js';

/**
 * How the services that own devices (network for ports, block storage for volumes) put
 * them on servers, as Nova's compute API does for Neutron and Cinder: each call writes the
 * desired side of a persisted attachment and wakes the server's host; the agent carries it
 * out and reports (device-gateway.ts). Callers poll `serverDevices` for the outcome; a
 * detached device's attachment disappears.
 */
export async function requestAttach(
  deps: ComputeDeps,
  serverId: string,
  device: WorkloadDevice,
): Promise<DeviceAttachment> {
  checkDevice(device);
  const s = await liveServer(deps, serverId);
  const ref = deviceRefOf(device);
  const now = deps.clock().toISOString();
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await getServerDevice(deps.store.db, serverId, ref.kind, ref.id);
    if (existing === undefined) {
      const id = crypto.randomUUID();
      const inserted = await insertAttachment(
        deps.store.db,
        { id, serverId, device, deviceId: ref.id },
        now,
      ).then(
        () => true,
        async (err: unknown) => {
          // A concurrent request for the same device won the insert: read it and go on.
          if ((await getServerDevice(deps.store.db, serverId, ref.kind, ref.id)) !== undefined) return false;
          throw err;
        },
      );
      if (inserted) return wake(deps, s.host, serverId, id);
      continue;
    }
    if (existing.desired === 'attached' && existing.status !== 'error' && !changes(existing.device, device))
      return existing;
    const set = {
      desired: 'attached' as const,
      status: 'attaching' as const,
      fault: null,
      spec: JSON.stringify(device.kind === 'nic' ? device.nic : device.disk),
    };
    if (await updateAttachmentIf(deps.store.db, existing.id, existing.generation, set, now))
      return wake(deps, s.host, serverId, existing.id);
  }
  throw new ConflictError('compute.device.busy', `The ${ref.kind} ${ref.id} is being changed; try again.`);
}

/**
 * A disk asked for at a larger size than the server has (an extended volume: the host must
 * grow it) or with other QoS limits (its type's QoS specs changed: the host re-throttles it).
 */
function changes(had: WorkloadDevice, want: WorkloadDevice): boolean {
  if (had.kind !== 'disk' || want.kind !== 'disk') return false;
  const grows = want.disk.sizeBytes !== undefined && want.disk.sizeBytes > (had.disk.sizeBytes ?? 0);
  return grows || !sameDiskQos(had.disk.qos, want.disk.qos);
}

/** Asks for the device to go; resolves at once when the server does not have it. */
export async function requestDetach(deps: ComputeDeps, serverId: string, ref: DeviceRef): Promise<void> {
  const s = await liveServer(deps, serverId);
  const now = deps.clock().toISOString();
  for (let attempt = 0; attempt < 5; attempt++) {
    const a = await getServerDevice(deps.store.db, serverId, ref.kind, ref.id);
    // A detach under way is left to run; one that failed is asked for again.
    if (a === undefined || (a.desired === 'detached' && a.status !== 'error')) return;
    // Never reached a host: nothing to undo there.
    if (s.host === null) {
      if (await deleteAttachmentIf(deps.store.db, a.id, a.generation)) return;
      continue;
    }
    const set = { desired: 'detached' as const, status: 'detaching' as const, fault: null };
    if (await updateAttachmentIf(deps.store.db, a.id, a.generation, set, now)) {
      deps.signals.host(s.host, serverId);
      return;
    }
  }
  throw new ConflictError('compute.device.busy', `The ${ref.kind} ${ref.id} is being changed; try again.`);
}

export async function serverDevices(deps: ComputeDeps, serverId: string): Promise<DeviceAttachment[]> {
  await liveServer(deps, serverId);
  return listServerDevices(deps.store.db, serverId);
}

async function liveServer(deps: ComputeDeps, serverId: string) {
  const s = await getServer(deps.store.db, serverId);
  if (s === undefined || s.deletedAt !== null)
    throw new NotFoundError('compute.server.not_found', `Instance ${serverId} could not be found.`);
  if (s.vmState === 'error' && s.host === null)
    throw new InputError('compute.device.server_error', `Instance ${serverId} is in error and has no host.`);
  return s;
}

async function wake(
  deps: ComputeDeps,
  host: string | null,
  serverId: string,
  attachmentId: string,
): Promise<DeviceAttachment> {
  if (host !== null) deps.signals.host(host, serverId);
  const a = (await listServerDevices(deps.store.db, serverId)).find((x) => x.id === attachmentId);
  if (a === undefined) throw new Error(`attachment ${attachmentId} vanished`);
  return a;
}
