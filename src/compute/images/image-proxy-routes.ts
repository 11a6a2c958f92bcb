import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { nextPageLinks } from '../../common/http/pagination.js';
import { deleteProxyImage, findProxyImage, glanceQuery, proxyCaller } from './image-proxy.js';
import { imageDetailView, imageSummaryView } from './image-proxy-view.js';
import type { ResponseSchemas } from '../../common/http/route-spec.js';
import {
  imageDetailListResponse,
  imageListResponse,
  imageShowResponse,
} from './image-proxy-response-schemas.js';

// Nova's deprecated images API (a proxy to the image service), served up to 2.35. Nova has
// no policy rules of its own here: the image service's visibility and ownership decide.

function listRoute(
  url: string,
  view: typeof imageSummaryView | typeof imageDetailView,
  response: ResponseSchemas,
) {
  return route<ComputeDeps>({
    method: 'GET',
    url,
    successStatus: 200,
    response,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = proxyCaller(ctx);
      // Without a limit Nova's Glance client reads every page; the image API's maximum stands in.
      const query = { limit: '1000', ...glanceQuery(ctx.query as Record<string, unknown>) };
      const images = await deps.images.listImages(caller, query);
      const limit = query['limit'] === undefined ? undefined : Number(query['limit']);
      const links =
        limit === undefined
          ? []
          : nextPageLinks(ctx.url, ctx.query as Record<string, unknown>, { limit }, images);
      return {
        images: images.map((i) => view(i, ctx.serviceUrl)),
        ...(links.length > 0 && { images_links: links }),
      };
    },
  });
}

export const imageProxyRoutes: RouteSpec<ComputeDeps>[] = [
  listRoute('/v2.1/images', imageSummaryView, imageListResponse),
  listRoute('/v2.1/images/detail', imageDetailView, imageDetailListResponse),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/images/:image_id',
    successStatus: 200,
    response: imageShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      image: imageDetailView(
        await findProxyImage(deps, proxyCaller(ctx), ctx.params['image_id']!),
        ctx.serviceUrl,
      ),
    }),
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: '/v2.1/images/:image_id',
    successStatus: 204,
    expectedErrors: [403, 404],
    handler: async (ctx, deps) => {
      await deleteProxyImage(deps, proxyCaller(ctx), ctx.params['image_id']!);
    },
  }),
];
