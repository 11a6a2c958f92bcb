export interface VolumeTables {
  volumes: VolumeTable;
  volume_attachments: VolumeAttachmentTable;
  volume_quotas: VolumeQuotaTable;
}

/** Cinder's volume states this slice serves (stable: available, in-use, error). */
export type VolumeStatus =
  'creating' | 'available' | 'attaching' | 'in-use' | 'detaching' | 'deleting' | 'error' | 'error_deleting';

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
  volume_type: string;
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
