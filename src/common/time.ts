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

// What oslo's parse_isotime (the iso8601 library) reads: a date, optionally a time, optionally a zone.
const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * An ISO 8601 time as Nova's `date-time` query format accepts it, as an ISO string in UTC
 * (no zone means UTC, as oslo reads it), or undefined when it is not one. Date.parse alone
 * is too lenient (it reads `2011/01/01`, which Nova refuses).
 */
export function parseIsoTime(v: string): string | undefined {
  const m = isoPattern.exec(v);
  if (m === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', zone = 'Z'] = m;
  const z =
    zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.length === 3
        ? `${zone}:00`
        : zone.replace(/(\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${frac.padEnd(3, '0').slice(0, 3)}${z}`);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  // Date.parse rolls 2011-02-30 over to March; the iso8601 library refuses it.
  if (zone.toUpperCase() === 'Z' && date.getUTCDate() !== Number(d)) return undefined;
  return date.toISOString();
}
