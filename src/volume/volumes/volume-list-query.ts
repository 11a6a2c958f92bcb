import { InputError } from '../../common/errors.js';
import type { VolumeListRequest } from './volume-service.js';
import type { VolumeSortKey } from './volume-store.js';

const sortKeys: ReadonlyArray<VolumeSortKey> = ['created_at', 'updated_at', 'id', 'name', 'size', 'status'];

function bad(reason: string): InputError {
  return new InputError('volume.list.bad_query', `Invalid input received: ${reason}`);
}

const one = (v: unknown): string | undefined =>
  Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined);

/**
 * Cinder's list filters for this slice: name, status, metadata (a dict literal, as
 * python-cinderclient sends it), all_tenants (admins), and `sort=key[:dir],...` or
 * `sort_key`/`sort_dir` (default created_at desc).
 */
export function parseVolumeListQuery(
  q: Readonly<Record<string, unknown>>,
  caller: { readonly projectId: string; readonly isAdmin: boolean },
): VolumeListRequest {
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
  };
}

function parseMetadata(text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(text.replace(/'/g, '"')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    // falls through to the refusal
  }
  throw bad(`metadata filter must be a dict, got ${text}`);
}

function parseSort(q: Readonly<Record<string, unknown>>) {
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
    if (!sortKeys.includes(k as VolumeSortKey)) throw bad(`Invalid sort key ${k}`);
    const dir = (d ?? 'desc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw bad(`Invalid sort direction ${d}`);
    return { key: k as VolumeSortKey, dir: dir as 'asc' | 'desc' };
  });
}
