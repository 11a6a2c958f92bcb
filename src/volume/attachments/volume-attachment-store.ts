import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AttachStatus, VolumeAttachmentTable } from '../../db/tables/volume-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A volume on a server, as Cinder's volume_attachment records it. */
export interface VolumeAttachment {
  readonly id: string;
  readonly volumeId: string;
  readonly serverId: string;
  readonly device: string;
  readonly attachStatus: AttachStatus;
  readonly hostName: string | null;
  readonly attachedAt: string | null;
  readonly createdAt: string;
  readonly connector: Readonly<Record<string, unknown>> | null;
  readonly connectionInfo: Readonly<Record<string, unknown>> | null;
  readonly attachMode: string | null;
  readonly driver: VolumeAttachmentTable['driver'];
}

const parsed = (text: string | null) =>
  text === null ? null : (JSON.parse(text) as Record<string, unknown>);

function toAttachment(r: Selectable<VolumeAttachmentTable>): VolumeAttachment {
  return {
    id: r.id,
    volumeId: r.volume_id,
    serverId: r.server_id,
    device: r.device,
    attachStatus: r.attach_status,
    hostName: r.host_name,
    attachedAt: r.attached_at,
    createdAt: r.created_at,
    connector: parsed(r.connector),
    connectionInfo: parsed(r.connection_info),
    attachMode: r.attach_mode,
    driver: r.driver,
  };
}

export interface NewAttachment {
  readonly id: string;
  readonly volumeId: string;
  readonly serverId: string;
  readonly device: string;
  readonly attachStatus?: AttachStatus;
  readonly driver?: VolumeAttachmentTable['driver'];
  readonly attachMode?: string | null;
}

export async function insertVolumeAttachment(db: Db, a: NewAttachment, now: string): Promise<void> {
  await db
    .insertInto('volume_attachments')
    .values({
      id: a.id,
      volume_id: a.volumeId,
      server_id: a.serverId,
      device: a.device,
      attach_status: a.attachStatus ?? 'attaching',
      host_name: null,
      attached_at: null,
      created_at: now,
      connector: null,
      connection_info: null,
      attach_mode: a.attachMode ?? (a.driver === 'api' ? null : 'rw'),
      driver: a.driver ?? 'compute',
    })
    .execute();
}

export async function getVolumeAttachment(db: Db, id: string): Promise<VolumeAttachment | undefined> {
  const r = await db.selectFrom('volume_attachments').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toAttachment(r);
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
    .orderBy('id')
    .execute();
  for (const r of rows) out.set(r.volume_id, [...(out.get(r.volume_id) ?? []), toAttachment(r)]);
  return out;
}

export async function attachmentsOfVolume(db: Db, volumeId: string): Promise<VolumeAttachment[]> {
  return (await attachmentsOfVolumes(db, [volumeId])).get(volumeId) ?? [];
}

/** Volumes with an attachment in one of these states (work the reconciler has left to do). */
export async function volumeIdsWithAttachmentsIn(
  db: Db,
  statuses: ReadonlyArray<VolumeAttachment['attachStatus']>,
): Promise<string[]> {
  const rows = await db
    .selectFrom('volume_attachments')
    .select('volume_id')
    .distinct()
    .where('attach_status', 'in', statuses)
    .execute();
  return rows.map((r) => r.volume_id);
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

export interface AttachmentFilter {
  /** Undefined: every project (admins with all_tenants). */
  readonly projectId?: string;
  readonly volumeId?: string;
  readonly serverId?: string;
  readonly attachStatus?: string;
}

export type AttachmentSortKey = 'created_at' | 'id' | 'attach_status' | 'volume_id' | 'server_id';

/** Attachments of the project's volumes, in the given order (id breaks ties). */
export async function listVolumeAttachments(
  db: Db,
  f: AttachmentFilter,
  sort: ReadonlyArray<{ readonly key: AttachmentSortKey; readonly dir: 'asc' | 'desc' }>,
): Promise<VolumeAttachment[]> {
  let q = db
    .selectFrom('volume_attachments')
    .innerJoin('volumes', 'volumes.id', 'volume_attachments.volume_id')
    .selectAll('volume_attachments');
  if (f.projectId !== undefined) q = q.where('volumes.project_id', '=', f.projectId);
  if (f.volumeId !== undefined) q = q.where('volume_attachments.volume_id', '=', f.volumeId);
  if (f.serverId !== undefined) q = q.where('volume_attachments.server_id', '=', f.serverId);
  if (f.attachStatus !== undefined)
    q = q.where('volume_attachments.attach_status', '=', f.attachStatus as AttachStatus);
  for (const s of sort) q = q.orderBy(`volume_attachments.${s.key}`, s.dir);
  if (!sort.some((s) => s.key === 'id')) q = q.orderBy('volume_attachments.id', 'desc');
  return (await q.execute()).map(toAttachment);
}

export interface AttachmentChange {
  readonly attachStatus?: AttachStatus;
  readonly hostName?: string | null;
  readonly attachedAt?: string | null;
  readonly connector?: Readonly<Record<string, unknown>> | null;
  readonly connectionInfo?: Readonly<Record<string, unknown>> | null;
  readonly attachMode?: string | null;
  readonly device?: string;
}

export async function updateVolumeAttachment(db: Db, id: string, c: AttachmentChange): Promise<void> {
  const json = (v: Readonly<Record<string, unknown>> | null) => (v === null ? null : JSON.stringify(v));
  await db
    .updateTable('volume_attachments')
    .set({
      ...(c.attachStatus !== undefined && { attach_status: c.attachStatus }),
      ...(c.hostName !== undefined && { host_name: c.hostName }),
      ...(c.attachedAt !== undefined && { attached_at: c.attachedAt }),
      ...(c.connector !== undefined && { connector: json(c.connector) }),
      ...(c.connectionInfo !== undefined && { connection_info: json(c.connectionInfo) }),
      ...(c.attachMode !== undefined && { attach_mode: c.attachMode }),
      ...(c.device !== undefined && { device: c.device }),
    })
    .where('id', '=', id)
    .execute();
}

export async function markAttached(db: Db, id: string, hostName: string | null, now: string): Promise<void> {
  await updateVolumeAttachment(db, id, { attachStatus: 'attached', hostName, attachedAt: now });
}

export async function markDetaching(db: Db, id: string): Promise<void> {
  await updateVolumeAttachment(db, id, { attachStatus: 'detaching' });
}

export async function deleteVolumeAttachment(db: Db, id: string): Promise<void> {
  await db.deleteFrom('volume_attachments').where('id', '=', id).execute();
}
