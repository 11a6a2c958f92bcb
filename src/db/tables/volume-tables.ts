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
  | 'reserved'
  | 'attaching'
  | 'in-use'
  | 'detaching'
  | 'deleting'
  | 'extending'
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
