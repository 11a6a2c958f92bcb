import type { TSchema } from 'typebox';
import { respond } from '../common/http/http-response.js';
import type { HttpResponse } from '../common/http/http-response.js';
import type { RequestContext } from '../common/http/route-spec.js';
import type { Validator } from '../common/http/validation.js';
import { compileValidator } from '../common/http/validation.js';
import { badRequest, placementCodes } from './placement-errors.js';
import { atLeast } from './placement-version.js';
import { InputError } from '../common/errors.js';

/** A JSON reply; from 1.15 Placement adds Cache-Control and Last-Modified to every body it returns. */
export function placementReply(
  ctx: RequestContext<unknown, unknown>,
  body: unknown,
  opts: { status?: number; lastModified?: string; location?: string } = {},
): HttpResponse {
  const headers: Record<string, string> = {};
  if (atLeast(ctx, 15) && body !== undefined) {
    headers['cache-control'] = 'no-cache';
    headers['last-modified'] = new Date(opts.lastModified ?? Date.now()).toUTCString();
  }
  if (opts.location !== undefined) headers['location'] = opts.location;
  return respond(body, { ...(opts.status !== undefined && { status: opts.status }), headers });
}

/** Body schemas that change with the microversion: `[minMinor, schema]`, checked newest first. */
export type VersionedSchemas = ReadonlyArray<readonly [number, TSchema]>;

/** Compiles each schema once and returns a function that validates a request's body. */
export function versionedBody(schemas: VersionedSchemas) {
  const compiled: ReadonlyArray<readonly [number, Validator]> = [...schemas]
    .sort((a, b) => b[0] - a[0])
    .map(([minor, s]) => [minor, compileValidator(s)] as const);
  return <T>(ctx: RequestContext<unknown, unknown>): T => {
    const entry = compiled.find(([minor]) => atLeast(ctx, minor)) ?? compiled[compiled.length - 1]!;
    return entry[1](ctx.body ?? {}, 'body') as T;
  };
}

/** The one value of a query parameter; Placement refuses repeats of single-valued keys. */
export function single(q: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = q[key];
  if (Array.isArray(v)) {
    throw new InputError(
      placementCodes.duplicateQueryKey,
      `Query parameter '${key}' may be specified only once.`,
    );
  }
  return v === undefined ? undefined : String(v);
}

/** Every value of a repeatable query parameter (member_of, required). */
export function multi(q: Readonly<Record<string, unknown>>, key: string): string[] {
  const v = q[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** Placement's query schemas forbid unknown keys; `allowed` may hold regular expressions. */
export function checkQueryKeys(
  q: Readonly<Record<string, unknown>>,
  allowed: ReadonlyArray<string | RegExp>,
): void {
  const extra = Object.keys(q).filter(
    (k) => !allowed.some((a) => (typeof a === 'string' ? a === k : a.test(k))),
  );
  if (extra.length === 0) return;
  const list = extra.map((k) => `'${k}'`).join(', ');
  throw badRequest(
    `Invalid query string parameters: Additional properties are not allowed (${list} ${extra.length === 1 ? 'was' : 'were'} unexpected)`,
  );
}

/** Path of the service root (Placement's links are relative to SCRIPT_NAME, e.g. `/placement`). */
export function rootPath(ctx: { readonly serviceUrl: string }): string {
  return new URL(ctx.serviceUrl).pathname.replace(/\/$/, '');
}
