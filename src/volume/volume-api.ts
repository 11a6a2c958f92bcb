import type { VolumeCaller, VolumeDeps } from './volume-deps.js';
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
}

export function createVolumeApi(deps: VolumeDeps): VolumeApi {
  return {
    reserve: (caller, volumeId, serverId, opts) => reserveVolume(deps, caller, volumeId, serverId, opts),
    unreserve: (volumeId, attachmentId) => unreserveVolume(deps, volumeId, attachmentId),
    beginDetach: (caller, volumeId, serverId) => beginDetach(deps, caller, volumeId, serverId),
    attachmentsOfServer: (serverId) => attachmentsOfServer(deps.store.db, serverId),
  };
}
