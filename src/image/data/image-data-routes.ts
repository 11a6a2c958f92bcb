import { UnsupportedMediaTypeError } from '../../common/errors.js';
import { respond } from '../../common/http/http-response.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { callerOf, imageIdOf, imageTargetFor } from '../image-context.js';
import type { ImageDeps } from '../image-deps.js';
import { usageView } from '../image-quota.js';
import { headerText, objectBody } from '../images/image-routes.js';
import type { ImageData } from './image-file-store.js';
import { prepareDownload, stageImageData, uploadImageData } from './image-data-service.js';
import { importImage, importInfoView } from './image-import-service.js';
import { importInfoResponse, usageInfoResponse } from '../images/image-response-schemas.js';

/** The raw request stream; Glance accepts image data only as application/octet-stream. */
function dataBody(ctx: RequestContext): { data: ImageData; announced?: number } {
  const type = headerText(ctx.headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/octet-stream')
    throw new UnsupportedMediaTypeError('image.data.media_type', `Invalid content type ${type ?? 'None'}`);
  const length = headerText(ctx.headers['content-length']);
  const data = (ctx.body ?? Buffer.alloc(0)) as ImageData;
  return length === undefined ? { data } : { data, announced: Number(length) };
}

export const imageDataRoutes = [
  route<ImageDeps>({
    method: 'PUT',
    url: '/v2/images/:image_id/file',
    policy: 'upload_image',
    target: imageTargetFor(),
    successStatus: 204,
    expectedErrors: [404, 409, 413, 415],
    handler: async (ctx, deps) => {
      const { data, announced } = dataBody(ctx);
      await uploadImageData(deps, callerOf(ctx), imageIdOf(ctx), data, announced);
    },
  }),
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/images/:image_id/file',
    policy: 'download_image',
    target: imageTargetFor(),
    successStatus: 200,
    // Image bytes stream out unchecked; only a JSON body here would be a drift.
    response: noBody,
    expectedErrors: [404, 416],
    handler: async (ctx, deps) => {
      const range = headerText(ctx.headers['range']);
      const d = await prepareDownload(deps, callerOf(ctx), imageIdOf(ctx), range);
      if (d.kind === 'empty') return respond(undefined, { status: 204 });
      const size = d.image.size ?? 0;
      const r = d.range ?? { start: 0, end: size - 1 };
      return respond(deps.files.open(d.image.id, size > 0 ? r : undefined), {
        status: d.range ? 206 : 200,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(size > 0 ? r.end - r.start + 1 : 0),
          ...(d.image.checksum !== null && { 'content-md5': d.image.checksum }),
          ...(d.range && { 'content-range': `bytes ${r.start}-${r.end}/${size}` }),
        },
      });
    },
  }),
  route<ImageDeps>({
    method: 'PUT',
    url: '/v2/images/:image_id/stage',
    policy: 'modify_image',
    target: imageTargetFor(),
    successStatus: 204,
    expectedErrors: [404, 409, 413, 415],
    handler: async (ctx, deps) => {
      const { data, announced } = dataBody(ctx);
      await stageImageData(deps, callerOf(ctx), imageIdOf(ctx), data, announced);
    },
  }),
  route<ImageDeps>({
    method: 'POST',
    url: '/v2/images/:image_id/import',
    policy: 'modify_image',
    target: imageTargetFor(),
    successStatus: 202,
    response: noBody,
    expectedErrors: [404, 409, 413, 415],
    handler: async (ctx, deps) => importImage(deps, callerOf(ctx), imageIdOf(ctx), objectBody(ctx)),
  }),
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/info/import',
    // Discovery: any authenticated caller, as in Glance (no rule).
    successStatus: 200,
    response: importInfoResponse,
    expectedErrors: [],
    handler: async () => importInfoView(),
  }),
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/info/usage',
    // The caller's own project only, as in Glance (no rule).
    successStatus: 200,
    response: usageInfoResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => usageView(deps, ctx.auth.projectId ?? ''),
  }),
];
