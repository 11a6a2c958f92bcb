import type { Logger } from 'pino';
import type { DiskQos, WorkloadDisk } from '../agent/drivers/driver.js';
import type { Clock } from '../common/time.js';
import type { ImageApi } from '../image/image-api.js';
import type { StrataDb } from '../db/database.js';
import type { VolumePool } from './volumes/volume-pool.js';
import type { BackupRepository } from './backups/backup-repository.js';
import type { NbdExportServer } from './exports/nbd-export-server.js';
import type { NbdPskKeys } from './exports/nbd-psk-keys.js';
import type { BackendCapacity } from './capacity/backend-capacity.js';

/** A disk as the compute service's device seam reports it on a server. */
export type DiskOnServer =
  | { readonly kind: 'no-server' }
  | { readonly kind: 'absent' }
  | {
      readonly kind: 'present';
      readonly desired: 'attached' | 'detached';
      readonly status: 'attaching' | 'attached' | 'detaching' | 'error';
      readonly host: string | null;
      /** The size the server was last asked to give the disk (bytes), when one was. */
      readonly sizeBytes?: number;
      /** The QoS limits the server was last asked to apply to the disk. */
      readonly qos?: DiskQos;
    };

/**
 * The compute service's device seam, as block storage sees it (wired in main.ts). Nova
 * holds this side in Cinder's design; here the volume reconciler also replays it, so an
 * attach interrupted between the reservation and the request still completes.
 */
export interface VolumeDevicePort {
  /** Idempotent: asks compute to put the disk on the server. */
  attach(serverId: string, disk: WorkloadDisk): Promise<void>;
  /** Idempotent: asks compute to take the disk off; resolves when it is not there. */
  detach(serverId: string, volumeId: string): Promise<void>;
  disk(serverId: string, volumeId: string): Promise<DiskOnServer>;
  /** Cinder's volume-extended event to Nova: an in-use extend finished on the server (ok or not). */
  extended?(serverId: string, volumeId: string, ok: boolean): Promise<void>;
  /** The compute hosts' resource providers (they join the backend's sharing aggregate). */
  hostProviders?(): Promise<ReadonlyArray<string>>;
}

export interface VolumeDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly log: Logger;
  readonly pool: VolumePool;
  /** The backup directory (a second place, so a lost pool keeps its backups). */
  readonly backups: BackupRepository;
  readonly availabilityZone: string;
  /** The volume service's uuid, shown as volumes' service_uuid (3.48). */
  readonly serviceUuid: string;
  /** The image service (volumes from images, os-volume_upload_image), as Cinder uses Glance. */
  readonly images: ImageApi;
  /** Late-bound: compute is built after block storage. */
  readonly devices: () => VolumeDevicePort;
  /** Wakes the volume reconciler for a volume. */
  readonly wake: (volumeId: string) => void;
  /** Wakes the snapshot reconciler for a snapshot. */
  readonly wakeSnapshot: (snapshotId: string) => void;
  /** Wakes the backup reconciler for a backup. */
  readonly wakeBackup: (backupId: string) => void;
  /** Cinder's enable_force_upload: without it `force` on os-volume_upload_image is ignored. */
  readonly enableForceUpload?: boolean;
  /** Serving volumes to other hosts over NBD; without it every consumer is taken to be local. */
  readonly exports?: VolumeExportDeps;
  /** The pool as a placement sharing provider every volume claims DISK_GB on; without it nothing is claimed. */
  readonly capacity?: BackendCapacity;
}

/** The backend's host and its NBD export server. */
export interface VolumeExportDeps {
  /** The volume backend's host (a compute host of this name gets the pool file itself). */
  readonly backendHost: string;
  readonly server: NbdExportServer;
  /** With TLS: the per-host pre-shared keys the server accepts (each host gets its own). */
  readonly tls?: NbdPskKeys;
}

/** Who is acting, reduced to what ownership checks need. */
export interface VolumeCaller {
  readonly projectId: string;
  readonly userId: string;
  readonly isAdmin: boolean;
}
