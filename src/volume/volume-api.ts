import type { WorkloadDisk } from '../agent/drivers/driver.js';
import { isCloudError } from '../common/errors.js';
import { diskForHost } from './exports/volume-export-service.js';
import type { VolumeCaller, VolumeDeps } from './volume-deps.js';
import type { SnapshotRecord } from './snapshots/snapshot-store.js';
import { findSnapshot } from './snapshots/snapshot-service.js';
import type { VolumeRecord } from './volumes/volume-store.js';
import { getVolume } from './volumes/volume-store.js';
import type { VolumeCreate } from './volumes/volume-service.js';
import { createVolume, deleteVolume, findVolume } from './volumes/volume-service.js';
import type { VolumeAttachment } from './attachments/volume-attachment-store.js';
import { attachmentsOfServer } from './attachments/volume-attachment-store.js';
import type { ReserveOptions, VolumeReservation } from './attachments/volume-attachment-service.js';
import { beginDetach, reserveVolume, unreserveVolume } from './attachments/volume-attachment-service.js';

/** Block storage's in-process API: what compute's os-volume_attachments calls (Nova → Cinder). */
export interface VolumeApi {
  reserve(
    caller: VolumeCaller,
    volumeId: string,
    serverId: string,
    opts?: ReserveOptions,
  ): Promise<VolumeReservation>;
  unreserve(volumeId: string, attachmentId: string): Promise<void>;
  beginDetach(caller: VolumeCaller, volumeId: string, serverId: string): Promise<void>;
  attachmentsOfServer(serverId: string): Promise<VolumeAttachment[]>;
  /** The volume if the caller may see it (boot from volume: Nova's check_attach). */
  getVolume(caller: VolumeCaller, volumeId: string): Promise<VolumeRecord | undefined>;
  /** The snapshot if the caller may see it. */
  getSnapshot(caller: VolumeCaller, snapshotId: string): Promise<SnapshotRecord | undefined>;
  /**
   * Creates a volume for a server's block device mapping under a chosen id, so the
   * caller can record the id first and replay the create after a crash (a volume that
   * already exists is returned as it is). Throws Cinder's errors (400, 404, 413).
   */
  createVolume(caller: VolumeCaller, id: string, req: VolumeCreate): Promise<VolumeRecord>;
  /** Deletes a volume the way its owner would (delete_on_termination); Cinder's 400 while it is busy. */
  deleteVolume(caller: VolumeCaller, volumeId: string): Promise<void>;
  /**
   * The disk as the server's `host` must open it (Nova's initialize_connection with the
   * host's connector): the pool file on the backend's host, else an NBD export made for
   * this attachment before this resolves. Idempotent.
   */
  diskForHost(serverId: string, host: string | null, disk: WorkloadDisk): Promise<WorkloadDisk>;
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isCloudError(err) && err.status === 404) return undefined;
    throw err;
  }
}

export function createVolumeApi(deps: VolumeDeps): VolumeApi {
  return {
    reserve: (caller, volumeId, serverId, opts) => reserveVolume(deps, caller, volumeId, serverId, opts),
    unreserve: (volumeId, attachmentId) => unreserveVolume(deps, volumeId, attachmentId),
    beginDetach: (caller, volumeId, serverId) => beginDetach(deps, caller, volumeId, serverId),
    attachmentsOfServer: (serverId) => attachmentsOfServer(deps.store.db, serverId),
    getVolume: (caller, volumeId) => orUndefined(findVolume(deps, caller, volumeId)),
    getSnapshot: (caller, snapshotId) => orUndefined(findSnapshot(deps, caller, snapshotId)),
    async createVolume(caller, id, req) {
      const existing = await getVolume(deps.store.db, id);
      return existing ?? createVolume(deps, caller, req, id);
    },
    deleteVolume: (caller, volumeId) => deleteVolume(deps, caller, volumeId),
    diskForHost: (serverId, host, disk) => diskForHost(deps, serverId, host, disk),
  };
}
