import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { imageFault } from '../common/faults/image-fault.js';
import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import type { ServiceContext } from '../common/service-context.js';
import { imageActionRoutes } from './actions/image-action-routes.js';
import { imageDataRoutes } from './data/image-data-routes.js';
import { ImageFileStore } from './data/image-file-store.js';
import { resumeImports, runImport } from './data/image-import-service.js';
import { ImageImporter } from './data/image-importer.js';
import { schemaRoutes } from './discovery/schema-routes.js';
import { versionRoutes } from './discovery/image-version.js';
import type { ImageApi } from './image-api.js';
import { createImageApi } from './image-api.js';
import type { ImageDeps } from './image-deps.js';
import { imagePolicy } from './image-policy.js';
import { patchMediaTypes } from './images/image-patch.js';
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
  };
  return {
    name: 'image',
    serviceType: 'image',
    catalogName: 'glance',
    prefix,
    catalogSuffix: '',
    policy: imagePolicy,
    plugin: serviceRoutes({
      name: 'image',
      prefix,
      deps,
      routes: imageRouteTable,
      fault: imageFault,
      tokens: ctx.http.tokens,
      policy: ctx.http.policy,
      malformedBodyMessage: 'Malformed JSON in request body.',
      // keystonemiddleware points clients at Keystone when it refuses a token.
      unauthorizedHeaders: (serviceUrl) => ({
        'www-authenticate': `Keystone uri="${serviceUrl.replace(/\/image$/, '/identity')}"`,
      }),
      strictErrors: ctx.http.strictErrors,
      configure: (app) => configureImageHttp(app, deps),
    }),
    api: createImageApi(deps),
  };
}

/**
 * Image data arrives as a raw stream (never buffered), patches as Glance's JSON-patch
 * media types; imports left `importing` by a stopped process resume once the server is
 * ready, and shutdown waits for running ones.
 */
function configureImageHttp(app: FastifyInstance, deps: ImageDeps): void {
  // Image data, and bodies of any type Fastify does not parse (answered 415 by the handler
  // in Glance's words), stay raw streams.
  app.addContentTypeParser(['application/octet-stream', '*'], (_req, payload, done) => done(null, payload));
  app.addContentTypeParser(
    Object.keys(patchMediaTypes),
    { parseAs: 'string' },
    app.getDefaultJsonParser('ignore', 'ignore'),
  );
  // service-routes resolves its handler with undefined after reply.send(stream), and Fastify
  // then answers the still-unsent reply again with an empty body (wrap-thenable). A stream
  // reply marked hijacked is left to finish piping. Drop this once service-routes returns `reply`.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (payload instanceof Readable) reply.hijack();
    return payload;
  });
  app.addHook('onReady', async () => resumeImports(deps));
  app.addHook('onClose', async () => deps.importer.settled());
}

export type { ImageApi, ImageRecord } from './image-api.js';
export { imagePolicy } from './image-policy.js';
