import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { cinderTime } from '../volumes/volume-view.js';
import type { BackupRecord } from './backup-store.js';

export interface BackupViewContext {
  readonly serviceUrl: string;
  readonly projectId: string;
  readonly microversion: Microversion | undefined;
  /** backup:backup_project_attribute: project_id (3.18) and user_id (3.56). */
  readonly projectAttribute: boolean;
}

function links(c: BackupViewContext, id: string) {
  return [
    { rel: 'self', href: `${c.serviceUrl}/v3/${c.projectId}/backups/${id}` },
    { rel: 'bookmark', href: `${c.serviceUrl}/${c.projectId}/backups/${id}` },
  ];
}

export function backupSummary(c: BackupViewContext, b: BackupRecord) {
  return { id: b.id, name: b.name, links: links(c, b.id) };
}

/** The backup: metadata from 3.43, the project (3.18) and user (3.56) for whom policy allows. */
export function backupDetail(c: BackupViewContext, b: BackupRecord, hasDependents: boolean) {
  return {
    id: b.id,
    status: b.status,
    size: b.size,
    object_count: b.objectCount,
    availability_zone: b.availabilityZone,
    container: b.container,
    created_at: cinderTime(b.createdAt),
    updated_at: cinderTime(b.updatedAt),
    name: b.name,
    description: b.description,
    fail_reason: b.failReason,
    volume_id: b.volumeId,
    links: links(c, b.id),
    is_incremental: b.parentId !== null,
    has_dependent_backups: hasDependents,
    snapshot_id: b.snapshotId,
    data_timestamp: cinderTime(b.dataTimestamp),
    ...(atLeast(c.microversion, [3, 43]) && { metadata: b.metadata }),
    ...(c.projectAttribute &&
      atLeast(c.microversion, [3, 18]) && { 'os-backup-project-attr:project_id': b.projectId }),
    ...(c.projectAttribute && atLeast(c.microversion, [3, 56]) && { user_id: b.userId }),
  };
}
