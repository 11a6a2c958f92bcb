import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { VolumeAttachmentTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A volume on a server, as Cinder's volume_attachment records it. */
export interface VolumeAttachment {
  readonly id: string;
  readonly volumeId: string;
  readonly serverId: string;
  readonly device: string;
  readonly attachStatus: VolumeAttachmentTable['attach_status'];
  readonly hostName: string | null;
  readonly attachedAt: string | null;
}

function toAttachment(r: Selectable<VolumeAttachmentTable>): VolumeAttachment {
  return {
    id: r.id,
    volumeId: r.volume_id,
    serverId: r.server_id,
    device: r.device,
    attachStatus: r.attach_status,
    hostName: r.host_name,
    attachedAt: r.attached_at,
  };
}

export async function insertVolumeAttachment(
  db: Db,
  a: Pick<VolumeAttachment, 'id' | 'volumeId' | 'serverId' | 'device'>,
  now: string,
): Promise<void> {
  await db
    .insertInto('volume_attachments')
    .values({
      id: a.id,
      volume_id: a.volumeId,
      server_id: a.serverId,
      device: a.device,
      attach_status: 'attaching',
      host_name: null,
      attached_at: null,
      created_at: now,
    })
    .execute();
}

export async function attachmentsOfVolumes(
  db: Db,
  volumeIds: ReadonlyArray<string>,
): Promise<Map<string, VolumeAttachment[]>> {
  const out = new Map<string, VolumeAttachment[]>();
  if (volumeIds.length === 0) return out;
  const rows = await db
    .selectFrom('volume_attachments')
    .selectAll()
    .where('volume_id', 'in', volumeIds)
    .orderBy('created_at')
    .execute();
  for (const r of rows) out.set(r.volume_id, [...(out.get(r.volume_id) ?? []), toAttachment(r)]);
  return out;
}

export async function attachmentsOfServer(db: Db, serverId: string): Promise<VolumeAttachment[]> {
  const rows = await db
    .selectFrom('volume_attachments')
    .selectAll()
    .where('server_id', '=', serverId)
    .orderBy('created_at')
    .execute();
  return rows.map(toAttachment);
}

export async function markAttached(db: Db, id: string, hostName: string | null, now: string): Promise<void> {
  await db
    .updateTable('volume_attachments')
    .set({ attach_status: 'attached', host_name: hostName, attached_at: now })
    .where('id', '=', id)
    .execute();
}

export async function markDetaching(db: Db, id: string): Promise<void> {
  await db
    .updateTable('volume_attachments')
    .set({ attach_status: 'detaching' })
    .where('id', '=', id)
    .execute();
}

export async function deleteVolumeAttachment(db: Db, id: string): Promise<void> {
  await db.deleteFrom('volume_attachments').where('id', '=', id).execute();
}
