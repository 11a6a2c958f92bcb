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
 * Longest URL path segment the router accepts: the APIs' longest names (key pairs,
 * metadata keys, image tags) are 255 characters, and the router counts UTF-16 code units,
 * so a name of astral characters takes twice that.
 */
export const maxPathSegment = 255 * 2;

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

/**
 * Registers the JSON parser for `mediaTypes` in `app`'s scope: the depth limit first, then
 * Fastify's own parser (prototype-poisoning checks included). An empty body is no body when
 * `emptyIsNoBody`, as Keystone and Nova read one (curl scripts send it on PUT and DELETE).
 */
export function addJsonParser(
  app: FastifyInstance,
  mediaTypes: string | string[],
  opts: { poisoning: 'error' | 'ignore'; emptyIsNoBody: boolean },
): void {
  const parse = app.getDefaultJsonParser(opts.poisoning, opts.poisoning);
  app.addContentTypeParser(mediaTypes, { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    if (text === '' && opts.emptyIsNoBody) done(null, undefined);
    else if (nestingExceeds(text, jsonLimits.maxDepth)) done(tooDeeplyNested(), undefined);
    else parse(req, text, done);
  });
}
