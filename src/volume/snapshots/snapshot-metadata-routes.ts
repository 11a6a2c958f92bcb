import { InputError, NotFoundError } from '../../common/errors.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { volumeCallerOf } from '../volume-caller.js';
import { snapshotMetaItemBody, snapshotMetadataBody } from './snapshot-schemas.js';
import { findSnapshot, updateSnapshot } from './snapshot-service.js';
import { snapshotBase, snapshotTarget } from './snapshot-routes.js';
import { snapshotMetaItemResponse, snapshotMetadataResponse } from './snapshot-response-schemas.js';

const url = `${snapshotBase}/:snapshot_id/metadata`;
const snapshotId = (ctx: RequestContext) => ctx.params['snapshot_id']!;

function metaNotFound(id: string, key: string): NotFoundError {
  return new NotFoundError(
    'volume.snapshot.metadata_not_found',
    `Snapshot ${id} has no metadata with key ${key}.`,
  );
}

async function merge(
  ctx: RequestContext,
  deps: VolumeDeps,
  add: Readonly<Record<string, string>>,
  replace: boolean,
) {
  const s = await updateSnapshot(deps, volumeCallerOf(ctx), snapshotId(ctx), (cur) => ({
    metadata: replace ? add : { ...cur.metadata, ...add },
  }));
  return s.metadata;
}

/** Cinder's snapshot metadata: list, merge (POST), replace (PUT), and one key at a time. */
export const snapshotMetadataRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url,
    policy: 'volume:get_snapshot_metadata',
    target: snapshotTarget,
    successStatus: 200,
    response: snapshotMetadataResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      metadata: (await findSnapshot(deps, volumeCallerOf(ctx), snapshotId(ctx))).metadata,
    }),
  }),
  route<VolumeDeps, typeof snapshotMetadataBody>({
    method: 'POST',
    url,
    policy: 'volume:update_snapshot_metadata',
    target: snapshotTarget,
    body: snapshotMetadataBody,
    successStatus: 200,
    response: snapshotMetadataResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({ metadata: await merge(ctx, deps, ctx.body.metadata, false) }),
  }),
  route<VolumeDeps, typeof snapshotMetadataBody>({
    method: 'PUT',
    url,
    policy: 'volume:update_snapshot_metadata',
    target: snapshotTarget,
    body: snapshotMetadataBody,
    successStatus: 200,
    response: snapshotMetadataResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({ metadata: await merge(ctx, deps, ctx.body.metadata, true) }),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${url}/:key`,
    policy: 'volume:get_snapshot_metadata',
    target: snapshotTarget,
    successStatus: 200,
    response: snapshotMetaItemResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await findSnapshot(deps, volumeCallerOf(ctx), snapshotId(ctx));
      const key = ctx.params['key']!;
      if (!(key in s.metadata)) throw metaNotFound(s.id, key);
      return { meta: { [key]: s.metadata[key] } };
    },
  }),
  route<VolumeDeps, typeof snapshotMetaItemBody>({
    method: 'PUT',
    url: `${url}/:key`,
    policy: 'volume:update_snapshot_metadata',
    target: snapshotTarget,
    body: snapshotMetaItemBody,
    successStatus: 200,
    response: snapshotMetaItemResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const meta = ctx.body.meta;
      if (!(ctx.params['key']! in meta))
        throw new InputError('volume.snapshot.metadata_mismatch', 'Request body and URI mismatch');
      if (Object.keys(meta).length > 1)
        throw new InputError('volume.snapshot.metadata_too_many', 'Request body contains too many items');
      await merge(ctx, deps, meta, false);
      return { meta };
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${url}/:key`,
    policy: 'volume:delete_snapshot_metadata',
    target: snapshotTarget,
    successStatus: 200,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const key = ctx.params['key']!;
      await updateSnapshot(deps, volumeCallerOf(ctx), snapshotId(ctx), (cur) => {
        if (!(key in cur.metadata)) throw metaNotFound(cur.id, key);
        const { [key]: _gone, ...rest } = cur.metadata;
        return { metadata: rest };
      });
      return undefined;
    },
  }),
];
