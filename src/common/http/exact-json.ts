import { randomBytes } from 'node:crypto';
import { respond } from './http-response.js';

/**
 * JSON text in which bigints are written as exact integers. Neutron answers counts beyond
 * 2^53 (an IPv6 /64 pool holds 2^64 - 2 addresses), which a JavaScript number would round.
 * Each bigint is first written as a string holding a stand-in unique to this call, so no
 * string in the data can pass for one.
 */
export function exactJson(value: unknown): string {
  const mark = `bigint-${randomBytes(8).toString('hex')}:`;
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${mark}${v}` : v));
  return text.replace(new RegExp(`"${mark}(-?\\d+)"`, 'g'), '$1');
}

/** A JSON reply written by exactJson (raw: no serializer rewrites it). */
export function exactJsonResponse(value: unknown) {
  return respond(exactJson(value), { headers: { 'content-type': 'application/json; charset=utf-8' } });
}
