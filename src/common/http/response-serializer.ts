import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import type { TSchema } from 'typebox';
import type { Microversion } from './microversion.js';
import type { ResponseRange } from './response-ranges.js';
import { rangeIndexFor, responseRanges } from './response-ranges.js';
import type { ResponseSchemas } from './route-spec.js';
import { serializerSchema } from './serializer-schema.js';

/** Writes a success body as JSON text, naming only what the schema names. */
export type BodySerializer = (body: unknown) => string;

/**
 * The serializer for the schema that applies at `microversion`, or undefined when no range
 * covers it (or the schema describes no body): the body is then written as it is.
 */
export type ResponseSerializer = (microversion: Microversion | undefined) => BodySerializer | undefined;

/** Serializers compiled so far, by schema: a schema shared by routes or ranges compiles once. */
const compiled = new WeakMap<TSchema, BodySerializer | null>();

/**
 * Compiles each range's serializer on the first request that needs it (compiling every
 * route's schemas at start-up would slow every `strata up` and test cloud).
 */
export function compileResponseSerializer(schemas: ResponseSchemas): ResponseSerializer {
  const ranges: ReadonlyArray<ResponseRange> = responseRanges(schemas);
  return (microversion) => {
    const range = ranges[rangeIndexFor(ranges, microversion)];
    return range === undefined ? undefined : serializerFor(range.schema);
  };
}

/** The compiled serializer of one schema (exported for the compile-every-route test). */
export function serializerFor(schema: TSchema): BodySerializer | undefined {
  let s = compiled.get(schema);
  if (s === undefined) {
    const rewritten = serializerSchema(schema);
    s = rewritten === undefined ? null : (fastJson(rewritten as fastJson.AnySchema) as BodySerializer);
    compiled.set(schema, s);
  }
  return s ?? undefined;
}

/**
 * Strict responses: the serialized text must read back as the body the checker passed, so
 * a schema the serializer reads differently (a dropped map key, a coerced value) fails
 * the test that meets it instead of a client. Returns where the two first differ.
 */
export function serializedDrift(body: unknown, text: string): string | undefined {
  const expected: unknown = JSON.parse(JSON.stringify(body));
  const actual: unknown = JSON.parse(text);
  return isDeepStrictEqual(expected, actual) ? undefined : firstDifference(expected, actual, '');
}

function firstDifference(a: unknown, b: unknown, at: string): string {
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b))
    return `${at || '(body)'}: serialized as ${short(b)}`;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (!(key in rb)) return `${at}/${key}: dropped by the serializer`;
    if (!(key in ra)) return `${at}/${key}: added by the serializer`;
    if (!isDeepStrictEqual(ra[key], rb[key])) return firstDifference(ra[key], rb[key], `${at}/${key}`);
  }
  return `${at || '(body)'}: differs`;
}

function short(v: unknown): string {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
