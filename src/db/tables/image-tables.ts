import type { ColumnType } from 'kysely';
import type { Flag } from '../column-types.js';

type CreatedAt = ColumnType<string, string, never>;

/** Image (Glance v2) tables. Properties and tags are rows, so list filters stay in SQL. */
export interface ImageTables {
  images: ImageTable;
  image_properties: ImagePropertyTable;
  image_tags: ImageTagTable;
  image_members: ImageMemberTable;
}

/** Glance's image statuses; `deleted` rows are kept so an image id is never reused. */
export type ImageStatus =
  'queued' | 'saving' | 'uploading' | 'importing' | 'active' | 'deactivated' | 'killed' | 'deleted';

export type ImageVisibility = 'public' | 'private' | 'shared' | 'community';

export interface ImageTable {
  id: string;
  name: string | null;
  status: ImageStatus;
  visibility: ImageVisibility;
  protected: Flag;
  os_hidden: Flag;
  /** The owning project. */
  owner: string;
  disk_format: string | null;
  container_format: string | null;
  /** Bytes of image data, known once uploaded or staged. */
  size: number | null;
  virtual_size: number | null;
  /** md5 hex of the data (Glance's legacy checksum). */
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  min_disk: number;
  min_ram: number;
  created_at: CreatedAt;
  updated_at: string;
  deleted_at: string | null;
}

/** Glance's "extra properties": arbitrary string key/values. */
export interface ImagePropertyTable {
  image_id: string;
  name: string;
  value: string;
}

export interface ImageTagTable {
  image_id: string;
  value: string;
}

export type ImageMemberStatus = 'pending' | 'accepted' | 'rejected';

/** A project an image is shared with, and whether it accepted the share. */
export interface ImageMemberTable {
  image_id: string;
  member_id: string;
  status: ImageMemberStatus;
  created_at: CreatedAt;
  updated_at: string;
}
