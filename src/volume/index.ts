import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { volumeFault } from '../common/faults/volume-fault.js';
import type { RunningController } from '../common/reconcile/controller.js';
import { startController } from '../common/reconcile/controller.js';
import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import type { ServiceContext } from '../common/service-context.js';
import type { ImageApi } from '../image/image-api.js';
import { volumeMicroversions, volumeVersionRoutes } from './discovery/volume-version.js';
import { resourceFilterRoutes } from './discovery/resource-filter-routes.js';
import type { VolumeApi } from './volume-api.js';
import { createVolumeApi } from './volume-api.js';
import type { VolumeDeps, VolumeDevicePort } from './volume-deps.js';
import { volumePolicy } from './volume-policy.js';
import { volumeQuotaRoutes } from './quotas/volume-quota-routes.js';
import { volumeLimitRoutes } from './limits/volume-limit-routes.js';
import { volumeReconciler } from './volumes/volume-reconciler.js';
import { volumeRoutes } from './volumes/volume-routes.js';
import { volumeMetadataRoutes } from './volumes/volume-metadata-routes.js';
import { volumeTypeRoutes } from './types/volume-type-routes.js';
import { snapshotRoutes } from './snapshots/snapshot-routes.js';
import { snapshotMetadataRoutes } from './snapshots/snapshot-metadata-routes.js';
import { snapshotReconciler } from './snapshots/snapshot-reconciler.js';
import { attachmentRoutes } from './attachments/attachment-routes.js';
import { VolumePool } from './volumes/volume-pool.js';
import { BackupRepository } from './backups/backup-repository.js';
import { backupReconciler } from './backups/backup-reconciler.js';
import { backupRoutes } from './backups/backup-routes.js';
import { transferRoutes } from './transfers/transfer-routes.js';
import { qosRoutes } from './qos/qos-routes.js';
import { availabilityZoneRoutes } from './availability-zones/availability-zone-routes.js';
import { QemuStorageDaemon } from './exports/qemu-storage-daemon.js';
import { exportKey, volumeExportReconciler } from './exports/volume-export-service.js';
import type { NbdAddress } from './exports/nbd-export-server.js';
import { NbdPskKeys } from './exports/nbd-psk-keys.js';
import type { BackendPlacement } from './capacity/backend-placement.js';
import { BackendCapacity } from './capacity/backend-capacity.js';
import { backendKey, backendReconciler, syncBackend } from './capacity/backend-claims.js';

/** A stable uuid for a name (RFC 4122 version 5 layout over SHA-1), so restarts keep it. */
function nameBasedUuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The NBD server's address: the storage network address, or this host's name when that is a wildcard. */
function nbdAddressOf(ctx: ServiceContext): NbdAddress {
  const ip = ctx.config.storageIp;
  const wildcard = ip === '0.0.0.0' || ip === '::';
  return { host: wildcard ? hostname() : ip, port: ctx.config.nbdPort, ...(wildcard && { bind: ip }) };
}

/**
 * The pool's sharing provider, named as Cinder names a pool (`host@backend#pool`); its
 * uuid derives from that name, so every restart (and every control-plane process) finds it.
 */
function backendCapacityOf(
  ctx: ServiceContext,
  poolDir: string,
  placement: BackendPlacement,
  devices: () => VolumeDevicePort,
): BackendCapacity {
  const name = `${ctx.config.volumeHost}@file#file`;
  return new BackendCapacity({
    uuid: nameBasedUuid(`strata-volume-pool:${name}`),
    name,
    poolDir,
    overSubscriptionRatio: ctx.config.volumeMaxOverSubscriptionRatio,
    reservedPercentage: ctx.config.volumeReservedPercentage,
    placement,
    hostProviders: async () => (await devices().hostProviders?.()) ?? [],
    log: ctx.log,
  });
}

export const volumeRouteTable = [
  ...volumeVersionRoutes,
  ...volumeRoutes,
  ...volumeMetadataRoutes,
  ...volumeTypeRoutes,
  ...snapshotRoutes,
  ...snapshotMetadataRoutes,
  ...volumeQuotaRoutes,
  ...volumeLimitRoutes,
  ...resourceFilterRoutes,
  ...backupRoutes,
  ...transferRoutes,
  ...qosRoutes,
  ...attachmentRoutes,
  ...availabilityZoneRoutes,
];

export interface VolumeService extends ServicePlugin {
  readonly api: VolumeApi;
  /** One pass of the backend reconciler now: provider, compute hosts in its aggregate, claims. */
  syncBackend(): Promise<void>;
  /** Starts the volume and snapshot reconcilers (resume creates, deletes, attaches after a restart). */
  start(): void;
  stop(): Promise<void>;
}

/** Block Storage v3 (Cinder) at /volume; volumes are files in `<dataDir>/volumes`, backups in the backup dir. */
export function volumeService(
  ctx: ServiceContext,
  devices: () => VolumeDevicePort,
  images: ImageApi,
  placement: BackendPlacement,
): VolumeService {
  const prefix = '/volume';
  let controller: RunningController<string> | undefined;
  let backend: RunningController<string> | undefined;
  let snapshots: RunningController<string> | undefined;
  let backups: RunningController<string> | undefined;
  let exports: RunningController<string> | undefined;
  // NBD exports take TLS-PSK clients only: each agent host gets its own key.
  const tlsDir = join(ctx.config.dataDir, 'volume-exports', 'tls');
  const pool = new VolumePool(join(ctx.config.dataDir, 'volumes'));
  const capacity = backendCapacityOf(ctx, pool.dir, placement, devices);
  const deps: VolumeDeps = {
    store: ctx.store,
    clock: ctx.clock,
    log: ctx.log,
    pool,
    capacity,
    availabilityZone: 'nova',
    serviceUuid: nameBasedUuid(`strata-volume:${ctx.config.dataDir}`),
    devices,
    images,
    wake: (id) => controller?.queue.add(id),
    wakeSnapshot: (id) => snapshots?.queue.add(id),
    backups: new BackupRepository(ctx.config.volumeBackupDir),
    wakeBackup: (id) => backups?.queue.add(id),
    enableForceUpload: ctx.config.enableForceUpload,
    exports: {
      backendHost: ctx.config.volumeHost,
      server: new QemuStorageDaemon(join(ctx.config.dataDir, 'volume-exports'), nbdAddressOf(ctx), tlsDir),
      tls: new NbdPskKeys(tlsDir),
    },
  };
  return {
    name: 'volume',
    serviceType: 'block-storage',
    aliases: [{ type: 'volumev3', name: 'cinderv3' }],
    catalogName: 'cinder',
    prefix,
    catalogSuffix: '/v3/$(project_id)s',
    policy: volumePolicy,
    fault: volumeFault,
    plugin: serviceRoutes({
      name: 'block-storage',
      prefix,
      deps,
      routes: volumeRouteTable,
      fault: volumeFault,
      tokens: ctx.http.tokens,
      policy: ctx.http.policy,
      malformedBodyMessage: 'Malformed request body',
      microversions: volumeMicroversions,
      strictErrors: ctx.http.strictErrors,
      strictResponses: ctx.http.strictResponses,
    }),
    api: createVolumeApi(deps),
    syncBackend: () => syncBackend(deps, capacity),
    start() {
      backend ??= startController(backendReconciler(deps, capacity), {
        workers: 1,
        resyncMs: 30_000,
        log: ctx.log,
      });
      backend.queue.add(backendKey);
      controller ??= startController(volumeReconciler(deps), { workers: 2, resyncMs: 10_000, log: ctx.log });
      snapshots ??= startController(snapshotReconciler(deps), { workers: 1, resyncMs: 10_000, log: ctx.log });
      backups ??= startController(backupReconciler(deps), { workers: 1, resyncMs: 10_000, log: ctx.log });
      // A killed export server is back within a resync, with every export.
      exports ??= startController(volumeExportReconciler(deps), {
        workers: 1,
        resyncMs: 2_000,
        log: ctx.log,
      });
      exports.queue.add(exportKey);
    },
    async stop() {
      await controller?.stop();
      await snapshots?.stop();
      await backups?.stop();
      await exports?.stop();
      await backend?.stop();
      backend = undefined;
      exports = undefined;
      controller = undefined;
      snapshots = undefined;
      backups = undefined;
    },
  };
}

export type { VolumeApi } from './volume-api.js';
export type { DiskOnServer, VolumeCaller, VolumeDevicePort } from './volume-deps.js';
export type { VolumeRecord } from './volumes/volume-store.js';
export type { SnapshotRecord } from './snapshots/snapshot-store.js';
export { volumePolicy } from './volume-policy.js';
