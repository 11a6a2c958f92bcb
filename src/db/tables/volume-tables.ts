export interface VolumeTables {
  volumes: VolumeTable;
  volume_attachments: VolumeAttachmentTable;
  volume_quotas: VolumeQuotaTable;
  volume_types: VolumeTypeTable;
  volume_type_projects: VolumeTypeProjectTable;
  volume_snapshots: VolumeSnapshotTable;
}

/** Cinder's volume states this slice serves (stable: available, in-use, error). */
export type VolumeStatus =
  | 'creating'
  | 'available'
  | 'attaching'
  | 'in-use'
  | 'detaching'
  | 'deleting'
  | 'extending'
  | 'downloading'
  | 'uploading'
  | 'error'
  | 'error_deleting'
  | 'error_extending';

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
}

/** A volume on a server: one row per (volume, server); Cinder's volume_attachment. */
export interface VolumeAttachmentTable {
  id: string;
  volume_id: string;
  server_id: string;
  /** The guest device name, e.g. /dev/vdb. */
  device: string;
  attach_status: 'attaching' | 'attached' | 'detaching';
  host_name: string | null;
  attached_at: string | null;
  created_at: string;
}

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
}

/** A project's access to a private volume type (Cinder's volume_type_projects). */
export interface VolumeTypeProjectTable {
  volume_type_id: string;
  project_id: string;
}

/** Cinder's snapshot states this slice serves. */
export type SnapshotStatus = 'creating' | 'available' | 'deleting' | 'error' | 'error_deleting';

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
}
