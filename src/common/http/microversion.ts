import { InputError, NotAcceptableError } from '../errors.js';
import { unexpectedFieldsText } from './validation.js';

/** A microversion as [major, minor]. */
export type Microversion = readonly [number, number];

export interface MicroversionPolicy {
  /** The service type in `OpenStack-API-Version: <type> <version>`, e.g. 'compute'. */
  readonly serviceType: string;
  /** Legacy header some clients still send, e.g. 'x-openstack-nova-api-version'. */
  readonly legacyHeader?: string;
  readonly min: Microversion;
  readonly max: Microversion;
  /** The 400 message for a version string that does not parse (Nova's wording when absent). */
  readonly malformedMessage?: (requested: string) => string;
}

export function parseMicroversion(text: string): Microversion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function formatMicroversion(v: Microversion): string {
  return `${v[0]}.${v[1]}`;
}

export function compareMicroversions(a: Microversion, b: Microversion): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** True when `v` lies in [min, max] (max open when undefined). */
export function inMicroversionRange(v: Microversion, min: Microversion, max?: Microversion): boolean {
  return compareMicroversions(v, min) >= 0 && (max === undefined || compareMicroversions(v, max) <= 0);
}

/**
 * Chooses the microversion for a request: the service's entry in `OpenStack-API-Version`,
 * else its legacy header, else the minimum. `latest` means the maximum. A version out of
 * range is 406, a malformed one 400, as Nova answers.
 */
export function negotiateMicroversion(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  policy: MicroversionPolicy,
): Microversion {
  const requested = requestedVersion(headers, policy);
  if (requested === undefined) return policy.min;
  if (requested.toLowerCase() === 'latest') return policy.max;
  const v = parseMicroversion(requested);
  if (v === undefined) {
    throw new InputError(
      'common.microversion.malformed',
      policy.malformedMessage?.(requested) ?? `Invalid API version request string ${requested}`,
    );
  }
  if (!inMicroversionRange(v, policy.min, policy.max)) {
    throw new NotAcceptableError(
      'common.microversion.unsupported',
      `Version ${requested} is not supported by the API. Minimum is ${formatMicroversion(policy.min)} and maximum is ${formatMicroversion(policy.max)}.`,
    );
  }
  return v;
}

function requestedVersion(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  policy: MicroversionPolicy,
): string | undefined {
  const joined = [headers['openstack-api-version']].flat().filter((h): h is string => h !== undefined);
  for (const entry of joined.join(',').split(',')) {
    const [type, version] = entry.trim().split(/\s+/, 2);
    if (type?.toLowerCase() === policy.serviceType && version !== undefined) return version;
  }
  if (policy.legacyHeader !== undefined) {
    const legacy = headers[policy.legacyHeader];
    if (typeof legacy === 'string') return legacy;
  }
  return undefined;
}

/** Response headers announcing the version used, as microversioned services send. */
export function microversionHeaders(v: Microversion, policy: MicroversionPolicy): Record<string, string> {
  const out: Record<string, string> = {
    'openstack-api-version': `${policy.serviceType} ${formatMicroversion(v)}`,
    vary: policy.legacyHeader ? `OpenStack-API-Version, ${policy.legacyHeader}` : 'OpenStack-API-Version',
  };
  if (policy.legacyHeader) out[policy.legacyHeader] = formatMicroversion(v);
  return out;
}

/** Whether the request's microversion is at least `v` (no version negotiated counts as the oldest). */
export function atLeast(requested: Microversion | undefined, v: Microversion): boolean {
  return requested !== undefined && compareMicroversions(requested, v) >= 0;
}

/**
 * Refuses body fields that only exist from microversion `since`, with the message the
 * service's schema for the older version gives: they were unexpected there. `path` names
 * the object holding them ('' for the body itself).
 */
/** Refuses body fields a later microversion removed (the newer schema no longer knows them). */
export function rejectFieldsFrom(
  requested: Microversion | undefined,
  removedIn: Microversion,
  path: string,
  body: Readonly<Record<string, unknown>>,
  fields: ReadonlyArray<string>,
): void {
  if (!atLeast(requested, removedIn)) return;
  refuseFields(path, body, fields);
}

export function rejectFieldsBefore(
  requested: Microversion | undefined,
  since: Microversion,
  path: string,
  body: Readonly<Record<string, unknown>>,
  fields: ReadonlyArray<string>,
): void {
  if (atLeast(requested, since)) return;
  refuseFields(path, body, fields);
}

function refuseFields(
  path: string,
  body: Readonly<Record<string, unknown>>,
  fields: ReadonlyArray<string>,
): void {
  const extra = fields.filter((f) => body[f] !== undefined);
  if (extra.length === 0) return;
  throw new InputError(
    'common.microversion.field_too_new',
    path === ''
      ? unexpectedFieldsText(extra)
      : `Invalid input for field '${path}': ${unexpectedFieldsText(extra)}`,
  );
}
