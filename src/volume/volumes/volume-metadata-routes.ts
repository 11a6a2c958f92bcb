import { resourceMetadataRoutes } from '../resource-metadata-routes.js';
import { findVolume, updateVolume } from './volume-service.js';
import { volumeBase, volumeTarget } from './volume-routes.js';

/** Cinder's volume metadata: list, merge (POST), replace (PUT), and one key at a time. */
export const volumeMetadataRoutes = resourceMetadataRoutes({
  url: `${volumeBase}/:volume_id`,
  idParam: 'volume_id',
  noun: 'Volume',
  policy: {
    get: 'volume:get_volume_metadata',
    create: 'volume:create_volume_metadata',
    update: 'volume:update_volume_metadata',
    delete: 'volume:delete_volume_metadata',
  },
  target: volumeTarget,
  read: findVolume,
  change: (deps, caller, id, change) =>
    updateVolume(deps, caller, id, (cur) => ({ metadata: change(cur.metadata) })),
});
