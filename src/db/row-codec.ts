import type { Flag } from './schema.js';

/** Encoders shared by stores: 0/1 flags and JSON text columns mean the same on both dialects. */
export const flag = (b: boolean): Flag => (b ? 1 : 0);
export const isSet = (f: number): boolean => f === 1;

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  // Most list and object columns are empty: skip the parser for them (long lists render thousands).
  if (text === '[]') return [] as T;
  if (text === '{}') return {} as T;
  return JSON.parse(text) as T;
}
