import { join } from 'node:path';
import { volumeFault } from '../common/faults/volume-fault.js';
import type { RunningController } from '../common/reconcile/controller.js';
import { startController } from '../common/reconcile/controller.js';
import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import type { ServiceContext } from '../common/service-context.js';
import { volumeMicroversions, volumeVersionRoutes } from './discovery/volume-version.js';
import type { VolumeApi } from './volume-api.js';
import { createVolumeApi } from './volume-api.js';
import type { VolumeDeps, VolumeDevicePort } from './volume-deps.js';
import { volumePolicy } from './volume-policy.js';
import { volumeQuotaRoutes } from './quotas/volume-quota-routes.js';
import { volumeLimitRoutes } from './limits/volume-limit-routes.js';
import { volumeReconciler } from './volumes/volume-reconciler.js';
import { volumeRoutes } from './volumes/volume-routes.js';
import { VolumePool } from './volumes/volume-pool.js';

export const volumeRouteTable = [
  ...volumeVersionRoutes,
  ...volumeRoutes,
  ...volumeQuotaRoutes,
  ...volumeLimitRoutes,
];

export interface VolumeService extends ServicePlugin {
  readonly api: VolumeApi;
  /** Starts the volume reconciler (resumes creates, deletes, attaches after a restart). */
  start(): void;
  stop(): Promise<void>;
}

/** Block Storage v3 (Cinder) at /volume; volumes are files in `<dataDir>/volumes`. */
export function volumeService(ctx: ServiceContext, devices: () => VolumeDevicePort): VolumeService {
  const prefix = '/volume';
  let controller: RunningController<string> | undefined;
  const deps: VolumeDeps = {
    store: ctx.store,
    clock: ctx.clock,
    log: ctx.log,
    pool: new VolumePool(join(ctx.config.dataDir, 'volumes')),
    availabilityZone: 'nova',
    devices,
    wake: (id) => controller?.queue.add(id),
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
    }),
    api: createVolumeApi(deps),
    start() {
      controller ??= startController(volumeReconciler(deps), { workers: 2, resyncMs: 10_000, log: ctx.log });
    },
    async stop() {
      await controller?.stop();
      controller = undefined;
    },
  };
}

export type { VolumeApi } from './volume-api.js';
export type { DiskOnServer, VolumeCaller, VolumeDevicePort } from './volume-deps.js';
export { volumePolicy } from './volume-policy.js';
