import { ForbiddenError, InputError, NotFoundError } from '../../common/errors.js';
import { imageMetaItemResponse, imageMetadataResponse } from './image-proxy-response-schemas.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { enforceMetadataQuota } from '../quotas/quota-enforcement.js';
import { metadataBody, metaItemBody } from '../servers/server-schemas.js';
import { findProxyImage, imageNotFound, proxyCaller } from './image-proxy.js';

// Nova's image metadata API (up to 2.38): the image's extra properties in the image service.

const url = '/v2.1/images/:image_id/metadata';

async function readMetadata(ctx: RequestContext, deps: ComputeDeps) {
  return (await findProxyImage(deps, proxyCaller(ctx, [2, 39]), ctx.params['image_id']!)).properties;
}

/** Writes `next(current)` as the image's properties, within the metadata_items quota. */
async function writeMetadata(
  ctx: RequestContext,
  deps: ComputeDeps,
  next: (cur: Readonly<Record<string, string>>) => Record<string, string>,
): Promise<Readonly<Record<string, string>>> {
  const caller = proxyCaller(ctx, [2, 39]);
  const image = await findProxyImage(deps, caller, ctx.params['image_id']!);
  const metadata = next(image.properties);
  try {
    await enforceMetadataQuota(deps.store.db, caller.projectId, Object.keys(metadata).length, deps.config);
  } catch (err) {
    if (err instanceof ForbiddenError)
      throw new ForbiddenError('compute.image.metadata_quota', 'Image metadata limit exceeded');
    throw err;
  }
  try {
    return (await deps.images.setProperties(caller, image.id, metadata)).properties;
  } catch (err) {
    if (err instanceof NotFoundError) throw imageNotFound();
    throw err;
  }
}

const key = (ctx: RequestContext) => ctx.params['key']!;

export const imageMetadataRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url,
    successStatus: 200,
    response: imageMetadataResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({ metadata: await readMetadata(ctx, deps) }),
  }),
  route<ComputeDeps, typeof metadataBody>({
    method: 'POST',
    url,
    body: metadataBody,
    successStatus: 200,
    response: imageMetadataResponse,
    expectedErrors: [403, 404],
    handler: async (ctx, deps) => ({
      metadata: await writeMetadata(ctx, deps, (cur) => ({ ...cur, ...ctx.body.metadata })),
    }),
  }),
  route<ComputeDeps, typeof metadataBody>({
    method: 'PUT',
    url,
    body: metadataBody,
    successStatus: 200,
    response: imageMetadataResponse,
    expectedErrors: [403, 404],
    handler: async (ctx, deps) => {
      await writeMetadata(ctx, deps, () => ctx.body.metadata);
      return { metadata: ctx.body.metadata };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${url}/:key`,
    successStatus: 200,
    response: imageMetaItemResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const value = (await readMetadata(ctx, deps))[key(ctx)];
      if (value === undefined)
        throw new NotFoundError('compute.image.meta_not_found', 'The resource could not be found.');
      return { meta: { [key(ctx)]: value } };
    },
  }),
  route<ComputeDeps, typeof metaItemBody>({
    method: 'PUT',
    url: `${url}/:key`,
    body: metaItemBody,
    successStatus: 200,
    response: imageMetaItemResponse,
    expectedErrors: [403, 404],
    handler: async (ctx, deps) => {
      const meta = ctx.body.meta;
      if (!(key(ctx) in meta))
        throw new InputError('compute.image.meta_mismatch', 'Request body and URI mismatch');
      if (Object.keys(meta).length > 1)
        throw new InputError('compute.image.meta_too_many', 'Request body contains too many items');
      await writeMetadata(ctx, deps, (cur) => ({ ...cur, ...meta }));
      return { meta };
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: `${url}/:key`,
    successStatus: 204,
    expectedErrors: [403, 404],
    handler: async (ctx, deps) => {
      await writeMetadata(ctx, deps, (cur) => {
        if (!(key(ctx) in cur))
          throw new NotFoundError('compute.image.meta_not_found', 'Invalid metadata key');
        return Object.fromEntries(Object.entries(cur).filter(([k]) => k !== key(ctx)));
      });
    },
  }),
];
