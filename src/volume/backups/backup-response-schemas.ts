import Type from 'typebox';
import {
  bool,
  int,
  links,
  nullable,
  nullableStr,
  str,
  strict,
  stringMap,
} from '../../common/http/response-schemas.js';
import { byVolumeMicroversion, when } from '../volume-response-schemas.js';

/**
 * Cinder's backup bodies (api-ref "Backups (backups)", cinder/api/v3/views/backups.py):
 * metadata from 3.43, count from 3.45; show and detail lists add the project (3.18) and
 * user (3.56) for whom policy allows. Create and update answer with the summary.
 */
const summary = strict({ id: str, name: nullableStr, links });

const detail = (since: (v: string) => boolean) =>
  strict({
    id: str,
    status: str,
    size: int,
    object_count: nullable(int),
    availability_zone: nullableStr,
    container: nullableStr,
    created_at: str,
    updated_at: nullableStr,
    name: nullableStr,
    description: nullableStr,
    fail_reason: nullableStr,
    volume_id: str,
    links,
    is_incremental: bool,
    has_dependent_backups: bool,
    snapshot_id: nullableStr,
    data_timestamp: nullableStr,
    ...when(since('3.43'), { metadata: stringMap }),
    ...when(since('3.18'), { 'os-backup-project-attr:project_id': Type.Optional(str) }),
    ...when(since('3.56'), { user_id: Type.Optional(str) }),
  });

const listExtras = (since: (v: string) => boolean) => ({
  backups_links: Type.Optional(links),
  ...when(since('3.45'), { count: Type.Optional(int) }),
});

export const backupListResponse = byVolumeMicroversion(['3.45'], (since) =>
  strict({ backups: Type.Array(summary), ...listExtras(since) }),
);

export const backupDetailListResponse = byVolumeMicroversion(['3.18', '3.43', '3.45', '3.56'], (since) =>
  strict({ backups: Type.Array(detail(since)), ...listExtras(since) }),
);

export const backupShowResponse = byVolumeMicroversion(['3.18', '3.43', '3.56'], (since) =>
  strict({ backup: detail(since) }),
);

export const backupSummaryResponse = strict({ backup: summary });

export const backupRestoreResponse = strict({
  restore: strict({ backup_id: str, volume_id: str, volume_name: nullableStr }),
});
