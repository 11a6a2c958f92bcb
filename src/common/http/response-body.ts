import type { FastifyBaseLogger } from 'fastify';
import { InternalError } from '../errors.js';
import { HttpResponse } from './http-response.js';
import type { Microversion } from './microversion.js';
import { formatMicroversion } from './microversion.js';
import type { ResponseSerializer } from './response-serializer.js';
import { serializedDrift } from './response-serializer.js';

/** The words a strict-response 500 starts with (the test cloud looks for them). */
export const responseMismatch = 'Response schema mismatch:';

export interface SerializeContext {
  /** `GET /v2.1/servers/detail`, for messages. */
  readonly route: string;
  readonly microversion: Microversion | undefined;
  readonly successStatus: number;
  readonly log: FastifyBaseLogger;
}

const json = 'application/json; charset=utf-8';

/**
 * A handler's result with its JSON body written by the route's schema serializer (Fastify's
 * fast-json-stringify, which drops what the schema does not name). Only strict mode (tests)
 * compiles serializers: on large lists it measured slower than JSON.stringify. Bodies with no
 * schema at this version, raw bodies and 204s go out as they are.
 */
export function serializeResult(
  serializer: ResponseSerializer | undefined,
  result: unknown,
  ctx: SerializeContext,
): unknown {
  const framed = result instanceof HttpResponse;
  const body = framed ? result.body : result;
  const status = framed ? (result.status ?? ctx.successStatus) : ctx.successStatus;
  if (status === 204 || body === undefined || isRaw(body)) return result;
  const write = serializer?.(ctx.microversion);
  if (write === undefined) return result;
  const text = written(write, body, ctx);
  const headers = framed ? result.headers : {};
  const typed = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  return new HttpResponse(
    text,
    framed ? result.status : undefined,
    typed ? headers : { ...headers, 'content-type': json },
  );
}

/**
 * The JSON text. Serializers exist only in strict mode (tests), so a body the serializer
 * refuses or would change is a 500 naming it, never a quiet drop.
 */
function written(write: (body: unknown) => string, body: unknown, ctx: SerializeContext): string {
  const at = `${ctx.route}${ctx.microversion ? ` at ${formatMicroversion(ctx.microversion)}` : ''}`;
  let text: string;
  try {
    text = write(body);
  } catch (err) {
    throw mismatch(ctx, `${responseMismatch} ${at}: the serializer refused the body: ${String(err)}`);
  }
  const drift = serializedDrift(body, text);
  if (drift !== undefined) throw mismatch(ctx, `${responseMismatch} ${at}: ${drift}`);
  return text;
}

function mismatch(ctx: SerializeContext, message: string): InternalError {
  ctx.log.error(message);
  return new InternalError('common.http.response_schema', message);
}

/** Image data and other raw bodies (and pre-written JSON text) have no JSON to serialize. */
export function isRaw(body: unknown): boolean {
  if (typeof body === 'string') return true;
  if (body === null || typeof body !== 'object') return false;
  return Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function';
}
