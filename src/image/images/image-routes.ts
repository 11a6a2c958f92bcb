import { Readable } from 'node:stream';
import { InputError, UnsupportedMediaTypeError } from '../../common/errors.js';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { callerOf, imageIdOf, imageTargetFor } from '../image-context.js';
import type { ImageDeps } from '../image-deps.js';
import { importMethods } from '../data/image-import-service.js';
import { parseImageListQuery } from './image-list-query.js';
import { listImages } from './image-list-store.js';
import { parseImagePatch } from './image-patch.js';
import * as service from './image-service.js';
import { getImage } from './image-store.js';
import { authorizeVisibility, updateImage } from './image-update.js';
import { imageListView, imageView } from './image-view.js';
import { imageListResponse, imageResponse } from './image-response-schemas.js';

/** Glance's `limit_param_default` and `api_limit_max`. */
const listLimits = { byDefault: 25, max: 1000 };

/** A JSON object body, refused in Glance's words when absent or of the wrong kind. */
export function objectBody(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.body;
  if (body instanceof Readable) {
    const type = headerText(ctx.headers['content-type']);
    throw new UnsupportedMediaTypeError('image.body.media_type', `Invalid content type ${type ?? 'None'}`);
  }
  if (body === undefined || body === null || body === '')
    throw new InputError('image.body.missing', 'Body expected in request.');
  if (typeof body === 'string') return objectBody({ ...ctx, body: jsonOf(body) });
  if (typeof body !== 'object')
    throw new InputError('image.body.type', 'Unexpected body type. Expected list/dict.');
  return body as Record<string, unknown>;
}

/** Glance reads a text body (text/plain, say) as JSON whatever its declared type. */
function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError('image.body.malformed', 'Malformed JSON in request body.');
  }
}

function proposedTarget(ctx: RequestContext) {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const owner = typeof body['owner'] === 'string' ? body['owner'] : ctx.auth.projectId;
  const visibility = typeof body['visibility'] === 'string' ? body['visibility'] : 'private';
  return { project_id: owner, owner, visibility };
}

export const imageRoutes = [
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/images',
    policy: 'get_images',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: imageListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const query = parseImageListQuery(ctx.query, listLimits);
      const caller = callerOf(ctx);
      const marker = query.marker === undefined ? undefined : await getImage(deps.store.db, query.marker);
      if (
        query.marker !== undefined &&
        (marker === undefined || !(await service.isVisible(deps, caller, marker)))
      )
        throw new InputError('image.list.marker', `No image found with ID ${query.marker}`);
      const images = await listImages(deps.store.db, caller, query, marker);
      return imageListView(images, ctx.query, query.limit);
    },
  }),
  route<ImageDeps>({
    method: 'POST',
    url: '/v2/images',
    policy: 'add_image',
    target: proposedTarget,
    successStatus: 201,
    response: imageResponse,
    expectedErrors: [409, 413, 415],
    handler: async (ctx, deps) => {
      const body = objectBody(ctx);
      authorizeVisibility(ctx.authorize, body['visibility'] as string | undefined, proposedTarget(ctx));
      const image = await service.createImage(deps, callerOf(ctx), body);
      return respond(imageView(image), {
        status: 201,
        headers: {
          location: `${ctx.serviceUrl}/v2/images/${image.id}`,
          'openstack-image-import-methods': importMethods.join(','),
        },
      });
    },
  }),
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/images/:image_id',
    policy: 'get_image',
    target: imageTargetFor(),
    successStatus: 200,
    response: imageResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      imageView(await service.findVisibleImage(deps, callerOf(ctx), imageIdOf(ctx))),
  }),
  route<ImageDeps>({
    method: 'PATCH',
    url: '/v2/images/:image_id',
    policy: 'modify_image',
    target: imageTargetFor(),
    successStatus: 200,
    response: imageResponse,
    expectedErrors: [404, 409, 413, 415],
    handler: async (ctx, deps) => {
      const changes = parseImagePatch(headerText(ctx.headers['content-type']), ctx.body);
      return imageView(await updateImage(deps, callerOf(ctx), imageIdOf(ctx), changes, ctx.authorize));
    },
  }),
  route<ImageDeps>({
    method: 'DELETE',
    url: '/v2/images/:image_id',
    policy: 'delete_image',
    target: imageTargetFor((id) => `Failed to find image ${id} to delete`),
    successStatus: 204,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => service.deleteImage(deps, callerOf(ctx), imageIdOf(ctx)),
  }),
];

/** The first value of a header Node may have split into a list. */
export function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
