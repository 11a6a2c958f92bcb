import Type from 'typebox';
import { int, links, nullableStr, str, strict, stringMap } from '../../common/http/response-schemas.js';
import { byVolumeMicroversion, when } from '../volume-response-schemas.js';

/**
 * Cinder's snapshot bodies (api-ref "Volume snapshots (snapshots)", cinder/api/v3/views/
 * snapshots.py): group_snapshot_id from 3.14, user_id from 3.41, count from 3.45. Show and
 * detail lists add the extended attributes for whom policy allows; create and update never.
 */
const summary = {
  id: str,
  created_at: str,
  updated_at: nullableStr,
  name: nullableStr,
  description: nullableStr,
  volume_id: str,
  status: str,
  size: int,
  metadata: stringMap,
};

const detail = (since: (v: string) => boolean) => ({
  ...summary,
  ...when(since('3.14'), { group_snapshot_id: nullableStr }),
  ...when(since('3.41'), { user_id: str }),
});

const extended = {
  'os-extended-snapshot-attributes:project_id': Type.Optional(str),
  'os-extended-snapshot-attributes:progress': Type.Optional(str),
};

const listExtras = (since: (v: string) => boolean) => ({
  snapshots_links: Type.Optional(links),
  ...when(since('3.45'), { count: Type.Optional(int) }),
});

export const snapshotListResponse = byVolumeMicroversion(['3.45'], (since) =>
  strict({ snapshots: Type.Array(strict(summary)), ...listExtras(since) }),
);

export const snapshotDetailListResponse = byVolumeMicroversion(['3.14', '3.41', '3.45'], (since) =>
  strict({ snapshots: Type.Array(strict({ ...detail(since), ...extended })), ...listExtras(since) }),
);

export const snapshotShowResponse = byVolumeMicroversion(['3.14', '3.41'], (since) =>
  strict({ snapshot: strict({ ...detail(since), ...extended }) }),
);

export const snapshotWriteResponse = byVolumeMicroversion(['3.14', '3.41'], (since) =>
  strict({ snapshot: strict(detail(since)) }),
);
