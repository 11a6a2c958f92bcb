import { cinderTime } from '../volumes/volume-view.js';
import type { VolumeAttachment } from './volume-attachment-store.js';

/** Cinder's attachment summary (lists): id, status, instance, volume_id. */
export function attachmentSummary(a: VolumeAttachment) {
  return { id: a.id, status: a.attachStatus, instance: a.serverId, volume_id: a.volumeId };
}

/** The detail view; Cinder shows unset times as '' and a bare reservation's connection_info as {}. */
export function attachmentDetail(a: VolumeAttachment) {
  return {
    ...attachmentSummary(a),
    attached_at: cinderTime(a.attachedAt) ?? '',
    // Strata deletes an attachment when it is detached, so no shown attachment has this.
    detached_at: '',
    attach_mode: a.attachMode,
    connection_info: a.connectionInfo ?? {},
  };
}
