import { InputError } from '../../common/errors.js';
import { osloTime } from '../../common/time.js';

/** An instant as Nova keeps a usage bound: microseconds since the epoch (UTC) and its printed form. */
export interface UsageInstant {
  readonly us: number;
  /** As Nova prints a naive datetime: `2026-11-22T10:00:00.000000`, no zone. */
  readonly text: string;
}

/** The usage period [start, stop): stop is never later than now. */
export interface UsagePeriod {
  readonly start: UsageInstant;
  readonly stop: UsageInstant;
}

/** The query values Nova reads; repeated parameters arrive as arrays. */
export interface UsageQuery {
  readonly start?: string | ReadonlyArray<string> | undefined;
  readonly end?: string | ReadonlyArray<string> | undefined;
  readonly detailed?: string | ReadonlyArray<string> | undefined;
}

// Python's strptime patterns for %Y-%m-%d, %H:%M:%S and %f (single digits and ' 5' days allowed).
const date = '(\\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])';
const time = '(2[0-3]|[01]\\d|\\d):([0-5]\\d|\\d):(6[01]|[0-5]\\d|\\d)';

/** Nova's three accepted formats, tried in order; strptime ignores the case of the 'T'. */
const formats: ReadonlyArray<RegExp> = [
  new RegExp(`^${date}T${time}$`, 'i'),
  new RegExp(`^${date}T${time}\\.(\\d{1,6})$`, 'i'),
  new RegExp(`^${date}\\s+${time}\\.(\\d{1,6})$`, 'i'),
];

const pad2 = (n: number) => String(n).padStart(2, '0');

function invalidTime(): InputError {
  return new InputError('compute.usage.bad_time', 'Invalid datetime string: Datetime is in invalid format');
}

/**
 * Parses `start` or `end` as Nova does (`%Y-%m-%dT%H:%M:%S`, the same with `.%f`, or
 * `%Y-%m-%d %H:%M:%S.%f`; no zone, read as UTC). Impossible dates (Feb 30, second 60,
 * year 0) fail as strptime fails. Throws Nova's 400 otherwise.
 */
export function parseUsageTime(text: string): UsageInstant {
  const m = formats.map((f) => f.exec(text)).find((x) => x !== null);
  if (m === undefined) throw invalidTime();
  const n = (group: number) => Number(m[group]!.trim());
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  const fraction = (m[7] ?? '').padEnd(6, '0');
  if (year < 1 || second > 59 || day > daysInMonth(year, month)) throw invalidTime();
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  // strftime('%Y') does not pad years before 1000, so Nova prints them short as well.
  const printed = `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  return { us: d.getTime() * 1000 + Number(fraction), text: `${printed}.${fraction}` };
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** The clock's time as a usage bound. */
export function instantOf(now: Date): UsageInstant {
  return { us: now.getTime() * 1000, text: osloTime(now) };
}

/** The first non-blank value, as Python's parse_qs (which drops blank ones) gives Nova. */
export function firstValue(v: string | ReadonlyArray<string> | undefined): string | undefined {
  const all = typeof v === 'string' ? [v] : (v ?? []);
  return all.find((s) => s !== '');
}

/**
 * Nova's `_get_datetime_range`: a missing bound is now, start must come before end, and
 * the end is then cut to now. Nova reads the clock for start before end, so a request
 * with neither is a period of a few microseconds, never an error; here it is [now, now).
 */
export function usagePeriod(q: UsageQuery, now: Date): UsagePeriod {
  const current = instantOf(now);
  const [startText, endText] = [firstValue(q.start), firstValue(q.end)];
  const start = startText === undefined ? current : parseUsageTime(startText);
  const end = endText === undefined ? current : parseUsageTime(endText);
  const bothOmitted = startText === undefined && endText === undefined;
  if (!bothOmitted && !(start.us < end.us)) {
    throw new InputError(
      'compute.usage.start_after_end',
      'Invalid start time. The start time cannot occur after the end time.',
    );
  }
  return { start, stop: end.us > current.us ? current : end };
}

/** `detailed=1` (exactly) asks the list for each server's usage. */
export function wantsDetail(q: UsageQuery): boolean {
  return firstValue(q.detailed) === '1';
}
