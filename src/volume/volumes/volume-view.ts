import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { VolumeAttachment } from '../attachments/volume-attachment-store.js';
import type { VolumeWithAttachments } from './volume-service.js';

/** Cinder's timestamps: UTC with microseconds and no zone suffix ("2018-11-29T06:50:07.770785"). */
export function cinderTime(iso: string | null): string | null {
  if (iso === null) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(new Date(iso).toISOString());
  return m ? `${m[1]!}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}` : iso;
}

export interface VolumeViewContext {
  /** e.g. http://host/volume */
  readonly serviceUrl: string;
  readonly projectId: string;
  readonly isAdmin: boolean;
  readonly microversion: Microversion | undefined;
  /** The volume service's uuid (Cinder's service_uuid, 3.48). */
  readonly serviceUuid: string;
}

/** The backend host Cinder names as `host@backend#pool`. */
export const volumeHost = 'strata@file#file';

function links(c: VolumeViewContext, id: string) {
  return [
    { rel: 'self', href: `${c.serviceUrl}/v3/${c.projectId}/volumes/${id}` },
    { rel: 'bookmark', href: `${c.serviceUrl}/${c.projectId}/volumes/${id}` },
  ];
}

export function volumeSummary(c: VolumeViewContext, v: VolumeWithAttachments['volume']) {
  return { id: v.id, name: v.name, links: links(c, v.id) };
}

/** Cinder lists only attached attachments; host_name is for admins. */
export function attachmentView(a: VolumeAttachment, isAdmin: boolean) {
  return {
    id: a.volumeId,
    attachment_id: a.id,
    volume_id: a.volumeId,
    server_id: a.serverId,
    host_name: isAdmin ? a.hostName : null,
    device: a.device,
    attached_at: cinderTime(a.attachedAt),
  };
}

/**
 * The volume as create and update answer it (Cinder's detail view), with the fields later
 * microversions add: group_id (3.13), provider_id for admins (3.21), shared_targets and
 * service_uuid (3.48; every attachment gets its own export, so targets are not shared).
 */
export function volumeDetail(c: VolumeViewContext, va: VolumeWithAttachments) {
  const v = va.volume;
  return {
    ...volumeDetail30(c, va),
    ...(atLeast(c.microversion, [3, 13]) && { group_id: null }),
    ...(c.isAdmin && atLeast(c.microversion, [3, 21]) && { provider_id: null }),
    ...(atLeast(c.microversion, [3, 48]) && {
      shared_targets: false,
      service_uuid: v.status === 'creating' ? null : c.serviceUuid,
    }),
  };
}

/**
 * Show and detail lists: the detail view with what Cinder's extensions add there (they
 * extend only show and detail, so create and update answer without these).
 */
export function volumeShown(c: VolumeViewContext, va: VolumeWithAttachments) {
  const v = va.volume;
  return {
    ...volumeDetail(c, va),
    'os-vol-tenant-attr:tenant_id': v.projectId,
    // Cinder's volume_image_metadata extension adds it only for volumes made from an image.
    ...(Object.keys(v.imageMetadata).length > 0 && { volume_image_metadata: v.imageMetadata }),
    ...(c.isAdmin && {
      'os-vol-host-attr:host': volumeHost,
      'os-vol-mig-status-attr:migstat': v.migrationStatus,
      'os-vol-mig-status-attr:name_id': null,
    }),
  };
}

/** Cinder shows the admin metadata key `readonly` among the volume's metadata. */
const visibleAdminKeys = ['readonly'];

function withVisibleAdminMetadata(v: VolumeWithAttachments['volume']): Record<string, string> {
  const visible = Object.entries(v.adminMetadata).filter(([k]) => visibleAdminKeys.includes(k));
  return { ...v.metadata, ...Object.fromEntries(visible) };
}

function volumeDetail30(c: VolumeViewContext, { volume: v, attachments }: VolumeWithAttachments) {
  return {
    id: v.id,
    status: v.status,
    size: v.size,
    availability_zone: v.availabilityZone,
    created_at: cinderTime(v.createdAt),
    updated_at: cinderTime(v.updatedAt),
    name: v.name,
    description: v.description,
    volume_type: v.volumeTypeName,
    snapshot_id: v.snapshotId,
    source_volid: v.sourceVolid,
    metadata: withVisibleAdminMetadata(v),
    links: links(c, v.id),
    user_id: v.userId,
    bootable: v.bootable ? 'true' : 'false',
    encrypted: false,
    replication_status: null,
    consistencygroup_id: null,
    multiattach: v.multiattach,
    attachments: attachments
      .filter((a) => a.attachStatus === 'attached')
      .map((a) => attachmentView(a, c.isAdmin)),
    ...(c.isAdmin && { migration_status: v.migrationStatus }),
  };
}
