import { InvalidStateError, NotFoundError } from '../../common/errors.js';
import type { VolumeApi, VolumeCaller } from '../../volume/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { requestAttach, requestDetach } from '../devices/device-service.js';
import { blockDevicesOf } from '../block-devices/block-device-store.js';
import type { Server } from '../servers/server-model.js';
import { hotPlugDeviceName } from './guest-device-names.js';

// Nova's check_instance_state for attach_volume and detach_volume.
const attachStates = new Set([
  'active',
  'paused',
  'stopped',
  'resized',
  'soft_deleted',
  'shelved',
  'shelved_offloaded',
]);

function checkState(s: Server, action: 'attach_volume' | 'detach_volume'): void {
  const taskOk = s.taskState === null;
  if (attachStates.has(s.vmState) && taskOk) return;
  const [attr, value] = taskOk ? ['vm_state', s.vmState] : ['task_state', String(s.taskState)];
  throw new InvalidStateError(
    'compute.server.invalid_state',
    `Cannot '${action}' instance ${s.id} while it is in ${attr} ${value}`,
    'server',
    value,
    action,
  );
}

/** Reserves the volume, then asks the server's host for the disk; undoes the reservation if that fails. */
export async function attachVolume(
  deps: ComputeDeps,
  volumes: VolumeApi,
  caller: VolumeCaller,
  server: Server,
  volumeId: string,
  opts: { readonly device?: string; readonly supportsMultiattach: boolean },
) {
  checkState(server, 'attach_volume');
  const device = (await qemuDeviceName(deps, volumes, server)) ?? opts.device;
  const r = await volumes.reserve(caller, volumeId, server.id, {
    ...opts,
    ...(device !== undefined && { device }),
  });
  try {
    await requestAttach(deps, server.id, { kind: 'disk', disk: r.disk });
  } catch (err) {
    await volumes.unreserve(volumeId, r.attachment.id);
    throw err;
  }
  return r.attachment;
}

/**
 * A qemu VM names the disk itself (after its config drive), so the name is the one its guest
 * sees; a supplied name is ignored there, as Nova's libvirt driver ignores it. Other drivers
 * (containers, fake hosts) keep block storage's choice.
 */
async function qemuDeviceName(deps: ComputeDeps, volumes: VolumeApi, server: Server) {
  if (server.workloadHandle?.driver !== 'qemu') return undefined;
  const booted = new Set((await blockDevicesOf(deps.store.db, server.id)).map((d) => d.volumeId));
  const attached = await volumes.attachmentsOfServer(server.id);
  const bootNames = attached.filter((a) => booted.has(a.volumeId)).map((a) => a.device);
  return hotPlugDeviceName(
    bootNames,
    attached.map((a) => a.device),
  );
}

export async function serverVolumeAttachments(volumes: VolumeApi, serverId: string) {
  return volumes.attachmentsOfServer(serverId);
}

export async function findVolumeAttachment(volumes: VolumeApi, serverId: string, volumeId: string) {
  const a = (await volumes.attachmentsOfServer(serverId)).find((x) => x.volumeId === volumeId);
  if (a === undefined)
    throw new NotFoundError('compute.volume_attachment.not_found', `volume_id not found: ${volumeId}`);
  return a;
}

/** Marks the volume detaching in block storage, then asks the host to take the disk off. */
export async function detachVolume(
  deps: ComputeDeps,
  volumes: VolumeApi,
  caller: VolumeCaller,
  server: Server,
  volumeId: string,
) {
  checkState(server, 'detach_volume');
  await findVolumeAttachment(volumes, server.id, volumeId);
  await volumes.beginDetach(caller, volumeId, server.id);
  // The volume reconciler repeats this if we die here (level-triggered).
  await requestDetach(deps, server.id, { kind: 'disk', id: volumeId });
}
