import type { TProperties, TSchema } from 'typebox';
import Type from 'typebox';
import type { VersionedResponse } from './route-spec.js';

/** Building blocks for response schemas: strict objects, nullable fields, version ranges. */

/** An object with exactly these fields: `Type.Optional` marks the ones the reference says may be absent. */
export function strict<T extends TProperties>(props: T) {
  return Type.Object(props, { additionalProperties: false });
}

export function nullable<T extends TSchema>(t: T) {
  return Type.Union([t, Type.Null()]);
}

export const str = Type.String();
export const int = Type.Integer();
export const bool = Type.Boolean();
export const nullableStr = nullable(str);
/** A map of strings to strings (metadata, extra specs, properties). */
export const stringMap = Type.Record(Type.String(), Type.String());

/** `[{rel, href}]`, OpenStack's links. */
export const links = Type.Array(strict({ rel: str, href: str, type: Type.Optional(str) }));

/**
 * One schema per microversion range: `breaks` are the versions where the body changes;
 * `build` is called once per range with a test of whether a version is in effect there.
 * `first` is the service's lowest version (Nova's 2.1; Cinder's is 3.0).
 */
export function byMicroversion(
  breaks: ReadonlyArray<string>,
  build: (since: (v: string) => boolean) => TSchema,
  first = '2.1',
): ReadonlyArray<VersionedResponse> {
  const sorted = [...breaks].sort(compareText);
  const starts = [first, ...sorted];
  return starts.map((from, i) => {
    const next = starts[i + 1];
    const schema = build((v) => compareText(v, from) <= 0);
    return { from, ...(next !== undefined && { until: previous(next) }), schema };
  });
}

function compareText(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number) as [number, number];
  const [bm, bn] = b.split('.').map(Number) as [number, number];
  return am - bm || an - bn;
}

function previous(v: string): string {
  const [major, minor] = v.split('.').map(Number) as [number, number];
  return `${major}.${minor - 1}`;
}
