import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { cinderTime } from '../volumes/volume-view.js';
import type { TransferRecord } from './transfer-store.js';

export interface TransferViewContext {
  readonly serviceUrl: string;
  readonly projectId: string;
  readonly microversion: Microversion | undefined;
  /** `os-volume-transfer` or `volume-transfers` (3.55), as the request named it. */
  readonly collection: string;
}

function links(c: TransferViewContext, id: string) {
  return [
    { rel: 'self', href: `${c.serviceUrl}/v3/${c.projectId}/${c.collection}/${id}` },
    { rel: 'bookmark', href: `${c.serviceUrl}/${c.projectId}/${c.collection}/${id}` },
  ];
}

export function transferSummary(c: TransferViewContext, t: TransferRecord) {
  return { id: t.id, volume_id: t.volumeId, name: t.name, links: links(c, t.id) };
}

/**
 * What later microversions add to detail and create: no_snapshots (3.55), and the history
 * (3.57). Pending transfers only are kept, so `accepted` is false and no destination is known.
 */
function versionedFields(c: TransferViewContext, t: TransferRecord) {
  return {
    ...(atLeast(c.microversion, [3, 55]) && { no_snapshots: t.noSnapshots }),
    ...(atLeast(c.microversion, [3, 57]) && {
      source_project_id: t.sourceProjectId,
      destination_project_id: null,
      accepted: false,
    }),
  };
}

export function transferDetail(c: TransferViewContext, t: TransferRecord) {
  return {
    id: t.id,
    created_at: cinderTime(t.createdAt),
    name: t.name,
    volume_id: t.volumeId,
    links: links(c, t.id),
    ...versionedFields(c, t),
  };
}

export function transferCreated(c: TransferViewContext, t: TransferRecord, authKey: string) {
  return {
    id: t.id,
    created_at: cinderTime(t.createdAt),
    name: t.name,
    volume_id: t.volumeId,
    auth_key: authKey,
    links: links(c, t.id),
    ...versionedFields(c, t),
  };
}
