import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { cinderTime } from '../volumes/volume-view.js';
import type { SnapshotRecord } from './snapshot-store.js';

export interface SnapshotViewContext {
  readonly microversion: Microversion | undefined;
  /** volume_extension:extended_snapshot_attributes (project_id and progress). */
  readonly extendedAttributes: boolean;
}

/** Cinder's progress: a percentage string, 100% once the snapshot exists. */
function progress(s: SnapshotRecord): string {
  return s.status === 'creating' ? '0%' : '100%';
}

export function snapshotSummary(s: SnapshotRecord) {
  return {
    id: s.id,
    created_at: cinderTime(s.createdAt),
    updated_at: cinderTime(s.updatedAt),
    name: s.name,
    description: s.description,
    volume_id: s.volumeId,
    status: s.status,
    size: s.size,
    metadata: s.metadata,
  };
}

/** The snapshot: group_snapshot_id from 3.14, user_id from 3.41, and the extended attributes. */
export function snapshotDetail(c: SnapshotViewContext, s: SnapshotRecord) {
  return {
    ...snapshotSummary(s),
    ...(atLeast(c.microversion, [3, 14]) && { group_snapshot_id: null }),
    ...(atLeast(c.microversion, [3, 41]) && { user_id: s.userId }),
    ...(c.extendedAttributes && {
      'os-extended-snapshot-attributes:project_id': s.projectId,
      'os-extended-snapshot-attributes:progress': progress(s),
    }),
  };
}
