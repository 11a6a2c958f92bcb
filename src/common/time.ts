/** Clock seam: services take `now()` so tests can move time. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Keystone prints microseconds: `2026-11-22T10:00:00.000000Z`. */
export function keystoneTime(iso: string | Date): string {
  const s = typeof iso === 'string' ? iso : iso.toISOString();
  return s.replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Keystone's resources (not tokens) print datetimes as oslo does: `2026-11-22T10:00:00.000000`, no zone. */
export function osloTime(iso: string | Date): string {
  return keystoneTime(iso).replace(/Z$/, '');
}

/** Nova and Neutron print seconds: `2026-11-22T10:00:00Z`. */
export function secondsTime(iso: string | Date): string {
  const s = typeof iso === 'string' ? iso : iso.toISOString();
  return s.replace(/\.\d{3}Z$/, 'Z');
}
