import type { TSchema } from 'typebox';
import { byMicroversion } from '../common/http/response-schemas.js';
import type { VersionedResponse } from '../common/http/route-spec.js';

/** Block Storage v3 bodies per Cinder microversion: ranges start at 3.0, Cinder's lowest. */
export function byVolumeMicroversion(
  breaks: ReadonlyArray<string>,
  build: (since: (v: string) => boolean) => TSchema,
): ReadonlyArray<VersionedResponse> {
  return byMicroversion(breaks, build, '3.0');
}

/** The spread for fields a microversion adds: `...when(since('3.13'), { group_id })`. */
export function when<T extends object>(on: boolean, fields: T): T | Record<string, never> {
  return on ? fields : {};
}
