import type { FastifyInstance } from 'fastify';
import { InputError, OverLimitError } from '../errors.js';

/**
 * Input limits every service shares, enforced before a body reaches JSON.parse or a
 * validator: OpenStack's own bodies nest a handful of levels, so 32 leaves room and keeps
 * every later walk over the value (validation, error wording, views) shallow.
 */
export const jsonLimits = {
  maxDepth: 32,
  maxBodyBytes: 1024 * 1024,
} as const;

/**
 * Longest URL path segment the router accepts: Apache's LimitRequestLine (8190), in front
 * of every DevStack API. A longer id than any name (255) is still an unknown id there and
 * answers the resource's 404: openstacksdk's find_* sends an object's repr as the id and
 * falls back to a name search on that 404 (its functional cleanups rely on it).
 */
export const maxPathSegment = 8190;

/** True when `text` opens more than `maxDepth` arrays or objects at once (strings skipped). */
export function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function tooDeeplyNested(): InputError {
  return new InputError(
    'common.http.json_too_deep',
    `The request body is nested more than ${jsonLimits.maxDepth} levels deep.`,
  );
}

export function bodyTooLarge(): OverLimitError {
  return new OverLimitError('common.http.body_too_large', 'Request is too large.');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON is UTF-8 (RFC 8259); a body that is not is malformed, as Python's json.loads finds it. */
function utf8Text(body: Buffer): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * Registers the JSON parser for `mediaTypes` in `app`'s scope: the depth limit first, then
 * Fastify's own parser (prototype-poisoning checks included); bytes that are not UTF-8 are a
 * malformed body. An empty body is no body when
 * `emptyIsNoBody`, as Keystone and Nova read one (curl scripts send it on PUT and DELETE).
 */
export function addJsonParser(
  app: FastifyInstance,
  mediaTypes: string | string[],
  opts: { poisoning: 'error' | 'ignore'; emptyIsNoBody: boolean },
): void {
  const parse = app.getDefaultJsonParser(opts.poisoning, opts.poisoning);
  app.addContentTypeParser(mediaTypes, { parseAs: 'buffer' }, (req, body, done) => {
    const text = utf8Text(body as Buffer);
    if (text === undefined) done(new SyntaxError('The request body is not valid UTF-8.'), undefined);
    else if (text === '' && opts.emptyIsNoBody) done(null, undefined);
    else if (nestingExceeds(text, jsonLimits.maxDepth)) done(tooDeeplyNested(), undefined);
    else parse(req, text, done);
  });
}
