import type { TSchema } from 'typebox';
import type { Microversion } from './microversion.js';
import { inMicroversionRange, parseMicroversion } from './microversion.js';
import type { ResponseSchemas, VersionedResponse } from './route-spec.js';

/** One response schema with the microversions it applies to, parsed. */
export interface ResponseRange {
  readonly from: Microversion;
  readonly until?: Microversion;
  readonly schema: TSchema;
}

const lowest: Microversion = [0, 0];

/** A route's response schemas as ranges (one open range when the route has a single schema). */
export function responseRanges(schemas: ResponseSchemas): ReadonlyArray<ResponseRange> {
  const list: ReadonlyArray<VersionedResponse> = isRangeList(schemas) ? schemas : [{ schema: schemas }];
  return list.map((r) => ({
    from: r.from === undefined ? lowest : version(r.from),
    ...(r.until !== undefined && { until: version(r.until) }),
    schema: r.schema,
  }));
}

/** The index of the range covering `microversion` (the lowest when the service has none), or -1. */
export function rangeIndexFor(
  ranges: ReadonlyArray<ResponseRange>,
  microversion: Microversion | undefined,
): number {
  const v = microversion ?? lowest;
  return ranges.findIndex((r) => inMicroversionRange(v, r.from, r.until));
}

function isRangeList(s: ResponseSchemas): s is ReadonlyArray<VersionedResponse> {
  return Array.isArray(s);
}

function version(text: string): Microversion {
  const v = parseMicroversion(text);
  if (v === undefined) throw new Error(`response schema range: '${text}' is not a microversion`);
  return v;
}
