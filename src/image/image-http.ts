import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { imageFaultPage } from '../common/faults/image-fault.js';
import { addJsonParser } from '../common/http/json-body.js';
import { resumeImports } from './data/image-import-service.js';
import type { ImageDeps } from './image-deps.js';
import { patchMediaTypes } from './images/image-patch.js';

/**
 * Fastify setup inside the image service's scope: image data arrives as a raw stream
 * (never buffered), patches as Glance's JSON-patch media types, faults are negotiated as
 * webob negotiates them, imports left `importing` by a stopped process resume once the
 * server is ready, and shutdown waits for running ones.
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
  app.addHook('onReady', async () => resumeImports(deps));
  app.addHook('onClose', async () => deps.importer.settled());
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
