import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import { isCloudError } from '../../common/errors.js';
import type { VolumeApi, VolumeCaller } from '../../volume/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { requestAttach } from '../devices/device-service.js';
import type { Server } from '../servers/server-model.js';
import { PowerState } from '../servers/server-model.js';
import { getServer, updateServerIf } from '../servers/server-store.js';
import { rootDeviceName } from '../volume-attachments/guest-device-names.js';
import type { ServerBlockDevice } from './block-device-store.js';
import { blockDevicesOf, deleteBlockDevices, serversWithBlockDevices } from './block-device-store.js';

const done: ReconcileResult = {};
const poll: ReconcileResult = { requeueAfterMs: 200 };
const system: VolumeCaller = { projectId: '', userId: '', isAdmin: true };
/** Volume states that resolve by themselves (block storage's reconciler moves them on). */
const settling = new Set(['creating', 'downloading', 'attaching', 'detaching', 'extending', 'uploading']);

/**
 * Level-triggered, one server per key, for servers with volume mappings (Nova's
 * _prep_block_device and delete_on_termination). While the server is in
 * `block_device_mapping` it makes each missing volume (under the id recorded at create),
 * waits for it, reserves it for the server and asks the device seam for the disk (boot
 * index kept); then the server goes on to `scheduling`, and the build puts the disks on
 * the workload. Once the server is deleted, volumes marked delete_on_termination are
 * deleted when block storage has freed them, then the mappings go.
 */
export function blockDeviceController(deps: ComputeDeps): Reconciler {
  return {
    name: 'block-devices',
    listKeys: () => serversWithBlockDevices(deps.store.db),
    async reconcile(serverId) {
      const volumes = deps.volumes();
      if (volumes === undefined) return done;
      const s = await getServer(deps.store.db, serverId);
      const rows = await blockDevicesOf(deps.store.db, serverId);
      if (s === undefined || s.deletedAt !== null) return terminate(deps, volumes, serverId, rows);
      if (s.taskState !== 'block_device_mapping') return done;
      return prepare(deps, volumes, s, rows);
    },
  };
}

async function prepare(
  deps: ComputeDeps,
  volumes: VolumeApi,
  s: Server,
  rows: ReadonlyArray<ServerBlockDevice>,
): Promise<ReconcileResult> {
  const owner: VolumeCaller = { projectId: s.projectId, userId: s.userId, isAdmin: false };
  for (const d of rows) {
    try {
      const step = await prepareOne(deps, volumes, owner, s, d);
      if (step !== 'ready') return step === 'wait' ? poll : fail(deps, s, step);
    } catch (err) {
      if (!isCloudError(err) || err.status >= 500) throw err;
      return fail(deps, s, `Build of instance ${s.id} aborted: ${err.message}`);
    }
  }
  const now = deps.clock().toISOString();
  const moved = await updateServerIf(
    deps.store.db,
    s.id,
    { generation: s.generation, taskState: 'block_device_mapping' },
    { task_state: 'scheduling' },
    now,
  );
  if (moved) deps.signals.scheduling();
  return moved ? done : poll;
}

/** One mapping's next step: 'ready' once its disk is requested, 'wait', or a failure message. */
async function prepareOne(
  deps: ComputeDeps,
  volumes: VolumeApi,
  owner: VolumeCaller,
  s: Server,
  d: ServerBlockDevice,
): Promise<'ready' | 'wait' | string> {
  const r = d.request;
  const v = await volumes.getVolume(system, d.volumeId);
  if (v === undefined) {
    if (r.sourceType === 'volume')
      return `Build of instance ${s.id} aborted: Volume ${d.volumeId} could not be found.`;
    await volumes.createVolume(owner, d.volumeId, {
      size: r.volumeSize,
      name: r.sourceType === 'blank' ? `${s.id}-blank-vol` : '',
      ...(r.sourceType === 'image' && { imageRef: r.uuid }),
      ...(r.sourceType === 'snapshot' && { snapshotId: r.uuid }),
    });
    return 'wait';
  }
  const mine = (await volumes.attachmentsOfServer(s.id)).some((a) => a.volumeId === v.id);
  if (mine) return 'ready';
  if (v.status === 'error')
    return `Build of instance ${s.id} aborted: Volume ${v.id} did not finish being created. And its status is error.`;
  if (settling.has(v.status)) return 'wait';
  if (v.status !== 'available' && !(v.multiattach && v.status === 'in-use'))
    return `Build of instance ${s.id} aborted: Volume ${v.id} is ${v.status}.`;
  // The create was refused below 2.60 for a multiattach volume (checkBootPlan): this one may share.
  // The root volume is the guest's vda (qemu launches it first), as Nova names it.
  const device = r.bootIndex === 0 ? rootDeviceName : r.deviceName;
  const res = await volumes.reserve(owner, v.id, s.id, {
    ...(device !== null && device !== undefined && { device }),
    supportsMultiattach: true,
  });
  await requestAttach(deps, s.id, {
    kind: 'disk',
    disk: { ...res.disk, ...(r.bootIndex !== null && { bootIndex: r.bootIndex }) },
  });
  return 'ready';
}

async function fail(deps: ComputeDeps, s: Server, message: string): Promise<ReconcileResult> {
  const now = deps.clock().toISOString();
  const fault = { code: 500, message, created: now };
  const set = {
    vm_state: 'error' as const,
    task_state: null,
    power_state: PowerState.NOSTATE,
    fault: JSON.stringify(fault),
  };
  const ok = await updateServerIf(
    deps.store.db,
    s.id,
    { generation: s.generation, taskState: 'block_device_mapping' },
    set,
    now,
  );
  return ok ? done : poll;
}

/** After the server is gone: its delete_on_termination volumes, once free, then the mappings. */
async function terminate(
  deps: ComputeDeps,
  volumes: VolumeApi,
  serverId: string,
  rows: ReadonlyArray<ServerBlockDevice>,
): Promise<ReconcileResult> {
  for (const d of rows.filter((x) => x.request.deleteOnTermination)) {
    const v = await volumes.getVolume(system, d.volumeId);
    if (v === undefined || v.status === 'deleting') continue;
    if (v.status !== 'available' && v.status !== 'error') return { requeueAfterMs: 500 };
    const owner: VolumeCaller = { projectId: v.projectId, userId: v.userId, isAdmin: false };
    await volumes.deleteVolume(owner, v.id);
  }
  await deleteBlockDevices(deps.store.db, serverId);
  return done;
}
