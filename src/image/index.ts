import { join } from 'node:path';
import { imageFault } from '../common/faults/image-fault.js';
import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import type { ServiceContext } from '../common/service-context.js';
import { imageActionRoutes } from './actions/image-action-routes.js';
import { imageDataRoutes } from './data/image-data-routes.js';
import { ImageFileStore } from './data/image-file-store.js';
import { runImport } from './data/image-import-service.js';
import { ImageImporter } from './data/image-importer.js';
import { schemaRoutes } from './discovery/schema-routes.js';
import { versionRoutes } from './discovery/image-version.js';
import type { ImageApi } from './image-api.js';
import { createImageApi } from './image-api.js';
import type { ImageDeps } from './image-deps.js';
import { configureImageHttp } from './image-http.js';
import { imagePolicy } from './image-policy.js';
import { imageRoutes } from './images/image-routes.js';
import { memberRoutes } from './members/member-routes.js';
import { tagRoutes } from './tags/tag-routes.js';

export const imageRouteTable = [
  ...versionRoutes,
  ...schemaRoutes,
  ...imageRoutes,
  ...imageDataRoutes,
  ...imageActionRoutes,
  ...tagRoutes,
  ...memberRoutes,
];

/** Image v2 (Glance) mounted at /image; its data lives under `<dataDir>/images`. */
export function imageService(ctx: ServiceContext): ServicePlugin & { readonly api: ImageApi } {
  const prefix = '/image';
  const importer = new ImageImporter((id) => runImport(deps, id), ctx.log);
  const deps: ImageDeps = {
    store: ctx.store,
    clock: ctx.clock,
    log: ctx.log,
    files: new ImageFileStore(join(ctx.config.dataDir, 'images')),
    importer,
    quotas: { imageCount: ctx.config.imageQuotaCount, imageBytes: ctx.config.imageQuotaBytes },
    sizeCap: ctx.config.imageSizeCap,
  };
  return {
    name: 'image',
    serviceType: 'image',
    catalogName: 'glance',
    prefix,
    catalogSuffix: '',
    policy: imagePolicy,
    fault: imageFault,
    plugin: serviceRoutes({
      name: 'image',
      prefix,
      deps,
      routes: imageRouteTable,
      fault: imageFault,
      tokens: ctx.http.tokens,
      policy: ctx.http.policy,
      malformedBodyMessage: 'Malformed JSON in request body.',
      rejectOtherMethods: true,
      // keystonemiddleware points clients at Keystone when it refuses a token.
      unauthorizedHeaders: (serviceUrl) => ({
        'www-authenticate': `Keystone uri="${serviceUrl.replace(/\/image$/, '/identity')}"`,
      }),
      strictErrors: ctx.http.strictErrors,
      strictResponses: ctx.http.strictResponses,
      configure: (app) => configureImageHttp(app, deps),
    }),
    api: createImageApi(deps),
  };
}

export type { ImageApi, ImageRecord } from './image-api.js';
export { imagePolicy } from './image-policy.js';
