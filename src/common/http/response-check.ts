import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Microversion } from './microversion.js';
import { rangeIndexFor, responseRanges } from './response-ranges.js';
import type { ResponseSchemas } from './route-spec.js';

/**
 * Checks a success body against the route's schema for the request's microversion.
 * Returns the mismatches (empty when the body fits), or undefined when no schema covers
 * the version, which the route audit test treats as a gap.
 */
export type ResponseChecker = (
  body: unknown,
  microversion: Microversion | undefined,
) => ReadonlyArray<string> | undefined;

/** Compiles every range once, when the route is mounted. */
export function compileResponseChecker(schemas: ResponseSchemas): ResponseChecker {
  const ranges = responseRanges(schemas);
  const checks = ranges.map((r) => compileCheck(r.schema));
  return (body, microversion) => checks[rangeIndexFor(ranges, microversion)]?.(body);
}

function compileCheck(schema: TSchema): (body: unknown) => ReadonlyArray<string> {
  const compiled = Compile(schema);
  return (body) => (compiled.Check(body) ? [] : [...compiled.Errors(body)].slice(0, 8).map(describeError));
}

interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message: string;
}

function describeError(e: SchemaError): string {
  const at = e.instancePath === '' ? '(body)' : e.instancePath;
  const p = e.params;
  if (e.keyword === 'additionalProperties')
    return `${at}: unexpected ${JSON.stringify(p['additionalProperties'] ?? p)}`;
  if (e.keyword === 'required') return `${at}: missing ${JSON.stringify(p['requiredProperties'] ?? p)}`;
  return `${at}: ${e.message}`;
}
