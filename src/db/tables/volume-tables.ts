export interface VolumeTables {
  volumes: VolumeTable;
  volume_attachments: VolumeAttachmentTable;
  volume_quotas: VolumeQuotaTable;
  volume_types: VolumeTypeTable;
  volume_type_projects: VolumeTypeProjectTable;
  volume_snapshots: VolumeSnapshotTable;
  volume_backups: VolumeBackupTable;
  volume_transfers: VolumeTransferTable;
  qos_specs: QosSpecsTable;
  volume_exports: VolumeExportTable;
}

/** Cinder's volume states this slice serves (stable: available, in-use, error). */
export type VolumeStatus =
  | 'creating'
  | 'available'
  | 'reserved'
  | 'attaching'
  | 'in-use'
  | 'detaching'
  | 'deleting'
  | 'extending'
  | 'downloading'
  | 'uploading'
  | 'error'
  | 'error_deleting'
  | 'error_extending'
  | 'backing-up'
  | 'restoring-backup'
  | 'error_restoring'
  | 'awaiting-transfer'
  | 'maintenance'
  | 'managing'
  | 'error_managing'
  | 'error_backing-up'
  | 'retyping';

/** A block storage volume: a qcow2 file in the pool; `generation` makes writes compare-and-set. */
export interface VolumeTable {
  id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  /** GiB. */
  size: number;
  status: VolumeStatus;
  availability_zone: string;
  /** The volume type's id (a type is renamed without touching its volumes, as in Cinder). */
  volume_type_id: string;
  /** The snapshot the volume was created from. */
  snapshot_id: string | null;
  /** The volume this one was cloned from. */
  source_volid: string | null;
  /** JSON object of string values. */
  metadata: string;
  generation: number;
  created_at: string;
  updated_at: string | null;
  /** 1 when the volume can boot a server (made from an image, or set so). */
  bootable: number;
  /** The image the volume is made from (filled while creating/downloading). */
  image_id: string | null;
  /** JSON object: Cinder's volume_image_metadata, copied from the image. */
  image_metadata: string;
  /** The image `os-volume_upload_image` fills while the volume is uploading. */
  upload_image_id: string | null;
  /** JSON object: Cinder's admin metadata (`readonly`), shown in the volume's metadata. */
  admin_metadata: string;
  /** Cinder's migration_status, as an admin's os-reset_status last set it. */
  migration_status: string | null;
  /** 1 while the status is one an admin's os-reset_status set: the reconciler does no work for it. */
  status_reset: number;
}

/** A volume on a server: one row per (volume, server); Cinder's volume_attachment. */
export interface VolumeAttachmentTable {
  id: string;
  volume_id: string;
  server_id: string;
  /** The guest device name, e.g. /dev/vdb. */
  device: string;
  attach_status: AttachStatus;
  host_name: string | null;
  attached_at: string | null;
  created_at: string;
  /** JSON: the consumer's connector (os-brick's properties), null while only reserved. */
  connector: string | null;
  /** JSON: what the consumer connects to (driver_volume_type and data). */
  connection_info: string | null;
  /** 'rw' or 'ro'; null while reserved without a mode. */
  attach_mode: string | null;
  /** `compute`: the device seam puts the disk on the server; `api`: an outside consumer does. */
  driver: 'compute' | 'api';
}

/** Cinder's attach_status of one attachment (a detached one is deleted). */
export type AttachStatus = 'reserved' | 'attaching' | 'attached' | 'detaching';

/** A project's limit for one quota resource (Cinder's quotas table); absent means the default. */
export interface VolumeQuotaTable {
  project_id: string;
  resource: string;
  hard_limit: number;
}

/** A volume type: a name, extra specs for the backend, public or shared with listed projects. */
export interface VolumeTypeTable {
  id: string;
  name: string;
  description: string | null;
  /** 1 public, 0 private (visible to admins and the projects in volume_type_projects). */
  is_public: number;
  /** JSON object of string values. */
  extra_specs: string;
  created_at: string;
  /** The QoS specs associated with the type (Cinder's volume_types.qos_specs_id). */
  qos_specs_id: string | null;
}

/** A project's access to a private volume type (Cinder's volume_type_projects). */
export interface VolumeTypeProjectTable {
  volume_type_id: string;
  project_id: string;
}

/** Cinder's snapshot states this slice serves. */
export type SnapshotStatus =
  | 'creating'
  | 'available'
  | 'deleting'
  | 'error'
  | 'error_deleting'
  | 'backing-up'
  | 'restoring'
  | 'unmanaging';

/** A volume snapshot: a read-only qcow2 file in the pool that the volume's file is layered on. */
export interface VolumeSnapshotTable {
  id: string;
  volume_id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  /** GiB: the volume's size when the snapshot was taken. */
  size: number;
  status: SnapshotStatus;
  /** JSON object of string values. */
  metadata: string;
  generation: number;
  created_at: string;
  updated_at: string | null;
  /** 1 while the status is one an admin's os-reset_status set: the reconciler does no work for it. */
  status_reset: number;
}

/** Cinder's backup states. */
export type BackupStatus = 'creating' | 'available' | 'deleting' | 'error' | 'restoring';

/** A volume backup: a chunk manifest and compressed chunks in the backup directory. */
export interface VolumeBackupTable {
  id: string;
  volume_id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  /** GiB: the volume's size when backed up. */
  size: number;
  /** Chunk files this backup stored itself (an incremental stores only changed ones). */
  object_count: number;
  container: string | null;
  availability_zone: string;
  status: BackupStatus;
  fail_reason: string | null;
  /** The backup an incremental one is based on. */
  parent_id: string | null;
  snapshot_id: string | null;
  data_timestamp: string;
  /** JSON object of string values. */
  metadata: string;
  /** While restoring: the volume being written. */
  restore_volume_id: string | null;
  generation: number;
  created_at: string;
  updated_at: string | null;
}

/** A pending volume transfer (Cinder's transfers); accepted or deleted transfers are removed. */
export interface VolumeTransferTable {
  id: string;
  volume_id: string;
  source_project_id: string;
  name: string | null;
  salt: string;
  /** Hex SHA-256 over salt and the auth key; the key itself is shown once. */
  crypt_hash: string;
  /** 1: the volume's snapshots stay with the source project (3.55). */
  no_snapshots: number;
  created_at: string;
}

/** A named set of QoS specs (Cinder's quality_of_service_specs). */
export interface QosSpecsTable {
  id: string;
  name: string;
  /** front-end (applied by the hypervisor), back-end or both. */
  consumer: string;
  /** JSON object of string values. */
  specs: string;
  created_at: string;
}

/** One NBD export of a volume for an attachment on another host (desired state). */
export interface VolumeExportTable {
  attachment_id: string;
  volume_id: string;
  /** The NBD export name: per attachment, never a host path. */
  export_name: string;
  /** The consumer's host. */
  host: string;
  read_only: number;
  created_at: string;
}
