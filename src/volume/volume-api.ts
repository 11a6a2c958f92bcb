import type { VolumeCaller, VolumeDeps } from './volume-deps.js';
import type { VolumeAttachment } from './attachments/volume-attachment-store.js';
import { attachmentsOfServer } from './attachments/volume-attachment-store.js';
import type { VolumeReservation } from './attachments/volume-attachment-service.js';
import { beginDetach, reserveVolume, unreserveVolume } from './attachments/volume-attachment-service.js';

/** Block storage's in-process API: what compute's os-volume_attachments calls (Nova → Cinder). */
export interface VolumeApi {
  reserve(
    caller: VolumeCaller,
    volumeId: string,
    serverId: string,
    device?: string,
  ): Promise<VolumeReservation>;
  unreserve(volumeId: string, attachmentId: string): Promise<void>;
  beginDetach(caller: VolumeCaller, volumeId: string, serverId: string): Promise<void>;
  attachmentsOfServer(serverId: string): Promise<VolumeAttachment[]>;
}

export function createVolumeApi(deps: VolumeDeps): VolumeApi {
  return {
    reserve: (caller, volumeId, serverId, device) => reserveVolume(deps, caller, volumeId, serverId, device),
    unreserve: (volumeId, attachmentId) => unreserveVolume(deps, volumeId, attachmentId),
    beginDetach: (caller, volumeId, serverId) => beginDetach(deps, caller, volumeId, serverId),
    attachmentsOfServer: (serverId) => attachmentsOfServer(deps.store.db, serverId),
  };
}
