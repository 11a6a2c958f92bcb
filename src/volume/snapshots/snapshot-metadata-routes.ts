import { resourceMetadataRoutes } from '../resource-metadata-routes.js';
import { findSnapshot, updateSnapshot } from './snapshot-service.js';
import { snapshotBase, snapshotTarget } from './snapshot-routes.js';

/** Cinder's snapshot metadata: list, merge (POST), replace (PUT), and one key at a time. */
export const snapshotMetadataRoutes = resourceMetadataRoutes({
  url: `${snapshotBase}/:snapshot_id`,
  idParam: 'snapshot_id',
  noun: 'Snapshot',
  policy: {
    get: 'volume:get_snapshot_metadata',
    create: 'volume:update_snapshot_metadata',
    update: 'volume:update_snapshot_metadata',
    delete: 'volume:delete_snapshot_metadata',
  },
  target: snapshotTarget,
  read: findSnapshot,
  change: (deps, caller, id, change) =>
    updateSnapshot(deps, caller, id, (cur) => ({ metadata: change(cur.metadata) })),
});
