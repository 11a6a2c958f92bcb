import type { WorkloadDisk } from '../../agent/drivers/driver.js';
import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { VolumeDeps } from '../volume-deps.js';
import { frontEndSpecsOf } from '../qos/qos-front-end.js';
import { getVolume } from '../volumes/volume-store.js';
import { connectionInfoOf, nbdUriOf } from '../attachments/connection-info.js';
import { attachmentsOfServer, updateVolumeAttachment } from '../attachments/volume-attachment-store.js';
import type { ExportSpec } from './nbd-export-server.js';
import type { VolumeExport } from './volume-export-store.js';
import {
  deleteVolumeExport,
  ensureVolumeExport,
  getVolumeExport,
  listVolumeExports,
} from './volume-export-store.js';

/** The one key of the export reconciler: the backend has a single export server. */
export const exportKey = 'nbd';

/**
 * Makes the export server serve exactly the exports of attachments that still exist, then
 * forgets the rows of detached ones (only once their export is gone). Idempotent: a
 * restarted control plane, or a killed export server, is repaired by the next pass.
 */
export async function syncExports(deps: VolumeDeps, signal?: AbortSignal): Promise<void> {
  const ex = deps.exports;
  if (ex === undefined) return;
  const rows = await listVolumeExports(deps.store.db);
  const want: ExportSpec[] = rows
    .filter((r) => r.attached)
    .map((r) => ({
      name: r.exportName,
      volumeId: r.volumeId,
      path: deps.pool.pathOf(r.volumeId),
      readOnly: r.readOnly,
    }));
  await ex.server.sync(want, signal);
  for (const r of rows.filter((x) => !x.attached)) await deleteVolumeExport(deps.store.db, r.attachmentId);
}

/** Level-triggered: one key, a pass per wake and every resync. */
export function volumeExportReconciler(deps: VolumeDeps): Reconciler {
  return {
    name: 'volume-export',
    listKeys: () => Promise.resolve([exportKey]),
    async reconcile(_key, signal): Promise<ReconcileResult> {
      await syncExports(deps, signal);
      return {};
    },
  };
}

/**
 * The disk a server on `host` gets for one of its volumes, as Nova asks Cinder with the
 * host's connector: the pool file on the backend's own host, else the volume's NBD export
 * for this attachment (made and served before this returns, so the host can connect at
 * once). The attachment's connection_info follows. A disk that is no longer attached to
 * the server is returned as it is (it is being detached).
 */
export async function diskForHost(
  deps: VolumeDeps,
  serverId: string,
  host: string | null,
  disk: WorkloadDisk,
): Promise<WorkloadDisk> {
  const ex = deps.exports;
  if (ex === undefined || host === null || host === ex.backendHost) return disk;
  const a = (await attachmentsOfServer(deps.store.db, serverId)).find((x) => x.volumeId === disk.volumeId);
  if (a === undefined) return disk;
  let row = await getVolumeExport(deps.store.db, a.id);
  if (row === undefined || row.host !== host) {
    row = await newExport(deps, a.id, disk, host, a.attachMode);
  }
  const target = { address: ex.server.address, exportName: row.exportName };
  // The host's own key: the server refuses a client without one.
  const tls = ex.tls === undefined ? undefined : await ex.tls.forHost(host);
  return { ...disk, source: nbdUriOf(target), format: 'raw', ...(tls && { nbdTls: tls }) };
}

async function newExport(
  deps: VolumeDeps,
  attachmentId: string,
  disk: WorkloadDisk,
  host: string,
  mode: string | null,
): Promise<VolumeExport> {
  const db = deps.store.db;
  const readOnly = disk.readOnly || mode === 'ro';
  const now = deps.clock().toISOString();
  // The server moved to another host (a migration): the export follows it.
  await deleteVolumeExport(db, attachmentId);
  const row = await ensureVolumeExport(db, { attachmentId, volumeId: disk.volumeId, host, readOnly }, now);
  await syncExports(deps);
  const address = deps.exports!.server.address;
  const volume = await getVolume(db, disk.volumeId);
  const qos = volume === undefined ? null : await frontEndSpecsOf(db, volume);
  const info = connectionInfoOf({ id: disk.volumeId }, readOnly ? 'ro' : 'rw', qos, {
    address,
    exportName: row.exportName,
  });
  await updateVolumeAttachment(db, attachmentId, { connectionInfo: info });
  return row;
}

export type { VolumeExport } from './volume-export-store.js';
