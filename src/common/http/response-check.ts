import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Microversion } from './microversion.js';
import { inMicroversionRange, parseMicroversion } from './microversion.js';
import type { ResponseSchemas, VersionedResponse } from './route-spec.js';

/**
 * Checks a success body against the route's schema for the request's microversion.
 * Returns the mismatches (empty when the body fits), or undefined when no schema covers
 * the version, which the route audit test treats as a gap.
 */
export type ResponseChecker = (
  body: unknown,
  microversion: Microversion | undefined,
) => ReadonlyArray<string> | undefined;

interface CompiledRange {
  readonly from: Microversion;
  readonly until?: Microversion;
  readonly check: (body: unknown) => ReadonlyArray<string>;
}

const lowest: Microversion = [0, 0];

/** Compiles every range once, when the route is mounted. */
export function compileResponseChecker(schemas: ResponseSchemas): ResponseChecker {
  const ranges = isRangeList(schemas) ? schemas.map(compileRange) : [compileRange({ schema: schemas })];
  return (body, microversion) => {
    const v = microversion ?? lowest;
    const range = ranges.find((r) => inMicroversionRange(v, r.from, r.until));
    return range?.check(body);
  };
}

function isRangeList(s: ResponseSchemas): s is ReadonlyArray<VersionedResponse> {
  return Array.isArray(s);
}

function compileRange(r: VersionedResponse): CompiledRange {
  const compiled = Compile(r.schema as TSchema);
  const check = (body: unknown): ReadonlyArray<string> =>
    compiled.Check(body) ? [] : [...compiled.Errors(body)].slice(0, 8).map(describeError);
  return {
    from: r.from === undefined ? lowest : version(r.from),
    ...(r.until !== undefined && { until: version(r.until) }),
    check,
  };
}

function version(text: string): Microversion {
  const v = parseMicroversion(text);
  if (v === undefined) throw new Error(`response schema range: '${text}' is not a microversion`);
  return v;
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
