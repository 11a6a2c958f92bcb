import Type from 'typebox';
import { bool, links, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import { byVolumeMicroversion, when } from '../volume-response-schemas.js';

/**
 * Cinder's transfer bodies (api-ref "Volume transfers", cinder/api/views/transfers.py), for
 * both collections: detail and create add no_snapshots from 3.55 and the history from 3.57.
 */
const summary = strict({ id: str, volume_id: str, name: nullableStr, links });

const detailCore = (since: (v: string) => boolean) => ({
  id: str,
  created_at: str,
  name: nullableStr,
  volume_id: str,
  links,
  ...when(since('3.55'), { no_snapshots: bool }),
  ...when(since('3.57'), { source_project_id: str, destination_project_id: nullableStr, accepted: bool }),
});

const breaks = ['3.55', '3.57'];

export const transferListResponse = strict({
  transfers: Type.Array(summary),
  transfers_links: Type.Optional(links),
});

export const transferDetailListResponse = byVolumeMicroversion(breaks, (since) =>
  strict({ transfers: Type.Array(strict(detailCore(since))), transfers_links: Type.Optional(links) }),
);

export const transferShowResponse = byVolumeMicroversion(breaks, (since) =>
  strict({ transfer: strict(detailCore(since)) }),
);

export const transferCreateResponse = byVolumeMicroversion(breaks, (since) =>
  strict({ transfer: strict({ ...detailCore(since), auth_key: str }) }),
);

/** Accept answers with the summary. */
export const transferAcceptResponse = strict({ transfer: summary });
