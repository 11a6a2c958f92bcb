import { InputError } from '../../common/errors.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { VolumeListFilter, VolumeSortKey } from './volume-store.js';

/** A volume list as the API asked for it: the store's filter plus what is matched in memory. */
export interface VolumeListRequest extends VolumeListFilter {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly withCount?: boolean;
  readonly times?: ReadonlyArray<TimeFilter>;
  readonly sort: ReadonlyArray<{ readonly key: VolumeSortKey; readonly dir: 'asc' | 'desc' }>;
}

const sortKeys: ReadonlyArray<VolumeSortKey> = ['created_at', 'updated_at', 'id', 'name', 'size', 'status'];

function bad(reason: string): InputError {
  return new InputError('volume.list.bad_query', `Invalid input received: ${reason}`);
}

export const one = (v: unknown): string | undefined =>
  Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined);

/**
 * Cinder's list filters for this slice: name, status, metadata (a dict literal, as
 * python-cinderclient sends it), all_tenants (admins), `sort=key[:dir],...` or
 * `sort_key`/`sort_dir` (default created_at desc); `with_count` from 3.45 and the
 * created_at/updated_at comparisons from 3.60 (ignored before, as Cinder drops them).
 */
export function parseVolumeListQuery(
  q: Readonly<Record<string, unknown>>,
  caller: { readonly projectId: string; readonly isAdmin: boolean },
  microversion?: Microversion,
): VolumeListRequest {
  const withCount = atLeast(microversion, [3, 45]) && q['with_count'] !== undefined;
  const times = atLeast(microversion, [3, 60]) ? parseTimeFilters(q) : [];
  const allTenants = caller.isAdmin && ['1', 'true', 'True'].includes(one(q['all_tenants']) ?? '');
  const name = one(q['name']);
  const status = one(q['status']);
  const metadata = one(q['metadata']);
  return {
    ...(!allTenants && { projectId: caller.projectId }),
    ...(name !== undefined && { name }),
    ...(status !== undefined && { status }),
    ...(metadata !== undefined && { metadata: parseMetadata(metadata) }),
    sort: parseSort(q),
    withCount: withCount && parseBool('with_count', one(q['with_count']) ?? ''),
    times,
  };
}

export function parseBool(name: string, text: string): boolean {
  const v = text.toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(v)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(v)) return false;
  throw bad(`Invalid value '${text}' for ${name}`);
}

const operators = ['gt', 'gte', 'eq', 'neq', 'lt', 'lte'] as const;
export type TimeOperator = (typeof operators)[number];

/** One `created_at`/`updated_at` comparison; a volume matches when any of its field's terms hold. */
export interface TimeFilter {
  readonly field: 'created_at' | 'updated_at';
  readonly op: TimeOperator;
  readonly at: number;
}

/** `created_at=gt:2024-01-01T00:00:00,lt:...` as Cinder's _handle_time_comparison_filters reads it. */
function parseTimeFilters(q: Readonly<Record<string, unknown>>): TimeFilter[] {
  const out: TimeFilter[] = [];
  for (const field of ['created_at', 'updated_at'] as const) {
    const text = one(q[field]);
    if (text === undefined) continue;
    for (const unit of text.split(',')) {
      const parts = unit.split(':');
      const op = parts[0]!;
      if (!(operators as ReadonlyArray<string>).includes(op))
        throw new InputError('volume.list.bad_time', `Invalid ${op} operator`);
      // A term without a colon is read as its own time, as Cinder's loop does.
      const time = parts.length < 2 ? op : parts.slice(1).join(':');
      const at = parseIsoTime(time);
      if (at === undefined) throw new InputError('volume.list.bad_time', `Invalid ${time} value`);
      out.push({ field, op: op as TimeOperator, at });
    }
  }
  return out;
}

/** ISO 8601 as oslo's parse_isotime accepts it; no zone means UTC. */
function parseIsoTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text))
    return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text)
    ? text
    : `${text.length === 10 ? `${text}T00:00:00` : text}Z`;
  const t = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(t) ? undefined : t;
}

/** Cinder ORs the terms of one field (db/sqlalchemy/api.py _filter_time_comparison). */
export function matchesTimes(
  filters: ReadonlyArray<TimeFilter>,
  v: { readonly createdAt: string; readonly updatedAt: string | null },
): boolean {
  for (const field of ['created_at', 'updated_at'] as const) {
    const terms = filters.filter((f) => f.field === field);
    if (terms.length === 0) continue;
    const raw = field === 'created_at' ? v.createdAt : v.updatedAt;
    if (raw === null) return false;
    const t = Date.parse(raw);
    if (!terms.some((f) => compare(t, f.op, f.at))) return false;
  }
  return true;
}

function compare(t: number, op: TimeOperator, at: number): boolean {
  switch (op) {
    case 'gt':
      return t > at;
    case 'gte':
      return t >= at;
    case 'eq':
      return t === at;
    case 'neq':
      return t !== at;
    case 'lt':
      return t < at;
    case 'lte':
      return t <= at;
  }
}

export function parseMetadata(text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(text.replace(/'/g, '"')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    // falls through to the refusal
  }
  throw bad(`metadata filter must be a dict, got ${text}`);
}

/** `sort=key[:dir],...` or `sort_key`/`sort_dir` over `keys` (default created_at desc). */
/** Cinder's `offset` (after the marker): an integer of at least 0. */
export function parseOffset(q: Readonly<Record<string, unknown>>): number {
  const text = one(q['offset']);
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text.trim()))
    throw bad(/^-\d+$/.test(text.trim()) ? 'offset must be >= 0' : 'offset must be an integer.');
  return Number(text);
}

export function parseSort<K extends string>(
  q: Readonly<Record<string, unknown>>,
  keys: ReadonlyArray<K> = sortKeys as ReadonlyArray<string> as ReadonlyArray<K>,
): Array<{ key: K; dir: 'asc' | 'desc' }> {
  const sort = one(q['sort']);
  const key = one(q['sort_key']);
  const dirOld = one(q['sort_dir']);
  if (sort !== undefined && (key !== undefined || dirOld !== undefined))
    throw bad('The sort param cannot be used with either sort_key or sort_dir.');
  const terms =
    sort !== undefined
      ? sort.split(',').map((t) => t.trim().split(':'))
      : key !== undefined
        ? [[key, dirOld ?? 'desc']]
        : [['created_at', 'desc']];
  return terms.map(([k, d]) => {
    if (!keys.includes(k as K)) throw bad(`Invalid sort key ${k}`);
    const dir = (d ?? 'desc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw bad(`Invalid sort direction ${d}`);
    return { key: k as K, dir: dir as 'asc' | 'desc' };
  });
}
