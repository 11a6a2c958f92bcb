import type { Selectable } from 'kysely';
import type { Db } from '../../db/db-handle.js';
import type { VolumeExportTable } from '../../db/tables/volume-tables.js';

/** One NBD export the backend should serve: a volume, for one attachment on another host. */
export interface VolumeExport {
  readonly attachmentId: string;
  readonly volumeId: string;
  readonly exportName: string;
  readonly host: string;
  readonly readOnly: boolean;
  readonly createdAt: string;
}

function toExport(r: Selectable<VolumeExportTable>): VolumeExport {
  return {
    attachmentId: r.attachment_id,
    volumeId: r.volume_id,
    exportName: r.export_name,
    host: r.host,
    readOnly: r.read_only !== 0,
    createdAt: r.created_at,
  };
}

/** The export name of an attachment: per attachment and free of host paths (tenants read it). */
export function exportNameOf(attachmentId: string): string {
  return `attachment-${attachmentId}`;
}

export async function getVolumeExport(db: Db, attachmentId: string): Promise<VolumeExport | undefined> {
  const r = await db
    .selectFrom('volume_exports')
    .selectAll()
    .where('attachment_id', '=', attachmentId)
    .executeTakeFirst();
  return r === undefined ? undefined : toExport(r);
}

/** Records the export an attachment needs; an existing row is kept (replays are harmless). */
export async function ensureVolumeExport(
  db: Db,
  e: Omit<VolumeExport, 'exportName' | 'createdAt'>,
  now: string,
): Promise<VolumeExport> {
  await db
    .insertInto('volume_exports')
    .values({
      attachment_id: e.attachmentId,
      volume_id: e.volumeId,
      export_name: exportNameOf(e.attachmentId),
      host: e.host,
      read_only: e.readOnly ? 1 : 0,
      created_at: now,
    })
    .onConflict((oc) => oc.column('attachment_id').doNothing())
    .execute();
  const row = await getVolumeExport(db, e.attachmentId);
  if (row === undefined) throw new Error(`volume export of attachment ${e.attachmentId} vanished`);
  return row;
}

/** Every export row with whether its attachment still exists (a detached one is deleted). */
export async function listVolumeExports(
  db: Db,
): Promise<ReadonlyArray<VolumeExport & { readonly attached: boolean }>> {
  const rows = await db
    .selectFrom('volume_exports as e')
    .leftJoin('volume_attachments as a', 'a.id', 'e.attachment_id')
    .selectAll('e')
    .select('a.id as live_id')
    .orderBy('e.created_at')
    .execute();
  return rows.map((r) => ({ ...toExport(r), attached: r.live_id !== null }));
}

export async function deleteVolumeExport(db: Db, attachmentId: string): Promise<void> {
  await db.deleteFrom('volume_exports').where('attachment_id', '=', attachmentId).execute();
}
