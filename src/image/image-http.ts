import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../common/errors.js';
import { imageFault, imageFaultPage } from '../common/faults/image-fault.js';
import { addJsonParser } from '../common/http/json-body.js';
import { resumeImports } from './data/image-import-service.js';
import { liveImageIds } from './images/image-store.js';
import type { ImageDeps } from './image-deps.js';
import { patchMediaTypes } from './images/image-patch.js';

/**
 * Fastify setup inside the image service's scope: image data arrives as a raw stream
 * (never buffered), patches as Glance's JSON-patch media types, faults are negotiated as
 * webob negotiates them. Once the server is ready, data a killed process left behind (half
 * written, or of an image it had just deleted) is removed and imports it left `importing`
 * resume; shutdown waits for running ones.
 */
export function configureImageHttp(app: FastifyInstance, deps: ImageDeps): void {
  // Image data, and bodies of any type Fastify does not parse (answered 415 by the handler
  // in Glance's words), stay raw streams.
  app.addContentTypeParser(['application/octet-stream', '*'], (_req, payload, done) => done(null, payload));
  addJsonParser(app, Object.keys(patchMediaTypes), { poisoning: 'ignore', emptyIsNoBody: false });
  app.addHook('onSend', async (req, reply, payload) => {
    // service-routes resolves its handler with undefined after reply.send(stream), and
    // Fastify then answers the still-unsent reply again with an empty body (wrap-thenable).
    // A stream reply marked hijacked is left to finish piping. Drop once service-routes returns `reply`.
    if (payload instanceof Readable) {
      reply.hijack();
      return payload;
    }
    const explanation =
      reply.statusCode >= 400 && reply.statusCode !== 401 ? faultExplanation(payload) : undefined;
    if (explanation === undefined) return payload;
    const page = imageFaultPage(req.headers.accept, reply.statusCode, explanation);
    void reply.header('content-type', page.contentType);
    return page.body;
  });
  refuseEmptyImageId(app);
  app.addHook('onReady', async () => {
    const removed = await deps.files.removeLeftovers((ids) => liveImageIds(deps.store.db, ids));
    if (removed > 0) deps.log.warn({ removed }, 'removed image data a stopped process left behind');
    await resumeImports(deps);
  });
  app.addHook('onClose', async () => deps.importer.settled());
}

/**
 * Glance's router has no route for /v2/images/ (an empty image id): it answers 404 for any
 * method, where Fastify's ignoreTrailingSlash would reach the image list.
 */
function refuseEmptyImageId(app: FastifyInstance): void {
  app.addHook('preHandler', async (req, reply) => {
    // Sent here, not thrown: the matched route's declared errors do not include this 404.
    if (req.url.split('?')[0]!.endsWith('/v2/images/')) {
      const fault = imageFault(
        new NotFoundError('common.http.no_route', 'The resource could not be found.'),
        req.id,
      );
      return reply.code(fault.status).send(fault.body);
    }
    return undefined;
  });
}

/** The explanation inside an image fault body rendered as JSON, or undefined for anything else. */
function faultExplanation(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const body = JSON.parse(payload) as { message?: unknown; code?: unknown };
    if (typeof body.message !== 'string' || typeof body.code !== 'string') return undefined;
    return body.message.replace(/<br \/><br \/>\n\n\n$/, '');
  } catch {
    return undefined;
  }
}
