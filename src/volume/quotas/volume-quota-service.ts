import { InputError, OverLimitError } from '../../common/errors.js';
import type { VolumeDeps } from '../volume-deps.js';
import { projectUsage } from '../volumes/volume-store.js';
import { projectSnapshotUsage } from '../snapshots/snapshot-store.js';
import { projectBackupUsage } from '../backups/backup-store.js';
import { deleteLimits, projectLimits, setLimits } from './volume-quota-store.js';

/**
 * Cinder's quota resources and defaults (quota_volumes, quota_gigabytes, ...), with the
 * per-type ones of __DEFAULT__. This slice enforces volumes, snapshots, gigabytes (volumes
 * and snapshots together, as Cinder counts them) and per_volume_gigabytes; the others are
 * stored and shown for the resources to come.
 */
export const volumeQuotaDefaults: Readonly<Record<string, number>> = {
  volumes: 10,
  snapshots: 10,
  gigabytes: 1000,
  backups: 10,
  backup_gigabytes: 1000,
  per_volume_gigabytes: -1,
  groups: 10,
  volumes___DEFAULT__: -1,
  snapshots___DEFAULT__: -1,
  gigabytes___DEFAULT__: -1,
  backups___DEFAULT__: -1,
};

const nonQuotaKeys = new Set(['tenant_id', 'id']);
const maxInt = 2_147_483_647;

export async function quotaLimits(deps: VolumeDeps, projectId: string): Promise<Record<string, number>> {
  return { ...volumeQuotaDefaults, ...(await projectLimits(deps.store.db, projectId)) };
}

export interface QuotaUsage {
  readonly limit: number;
  readonly in_use: number;
  readonly reserved: number;
}

/** What a project holds: volumes, snapshots, and the GiB of both. */
async function usage(deps: VolumeDeps, projectId: string) {
  const v = await projectUsage(deps.store.db, projectId);
  const s = await projectSnapshotUsage(deps.store.db, projectId);
  const b = await projectBackupUsage(deps.store.db, projectId);
  return {
    volumes: v.volumes,
    snapshots: s.snapshots,
    gigabytes: v.gigabytes + s.gigabytes,
    backups: b.backups,
    backup_gigabytes: b.gigabytes,
  };
}

export async function quotaUsages(deps: VolumeDeps, projectId: string): Promise<Record<string, QuotaUsage>> {
  const limits = await quotaLimits(deps, projectId);
  const used = await usage(deps, projectId);
  const inUse: Record<string, number> = {
    volumes: used.volumes,
    snapshots: used.snapshots,
    gigabytes: used.gigabytes,
    backups: used.backups,
    backup_gigabytes: used.backup_gigabytes,
    volumes___DEFAULT__: used.volumes,
    snapshots___DEFAULT__: used.snapshots,
    gigabytes___DEFAULT__: used.gigabytes,
  };
  return Object.fromEntries(
    Object.entries(limits).map(([k, limit]) => [k, { limit, in_use: inUse[k] ?? 0, reserved: 0 }]),
  );
}

/** Validates as Cinder's quota_set format does, then refuses limits below what is in use. */
export async function updateQuotas(
  deps: VolumeDeps,
  projectId: string,
  body: Readonly<Record<string, unknown>>,
): Promise<Record<string, number>> {
  const bad = Object.keys(body).filter((k) => !(k in volumeQuotaDefaults) && !nonQuotaKeys.has(k));
  if (bad.length > 0)
    throw new InputError(
      'volume.quota.bad_key',
      `Invalid input received: Bad key(s) in quota set: ${bad.join(', ')}`,
    );
  const limits: Record<string, number> = {};
  for (const [k, v] of Object.entries(body)) if (!nonQuotaKeys.has(k)) limits[k] = integer(k, v);
  const usages = await quotaUsages(deps, projectId);
  for (const [k, v] of Object.entries(limits)) {
    const used = usages[k]?.in_use ?? 0;
    if (k !== 'per_volume_gigabytes' && v !== -1 && v < used)
      throw new InputError(
        'volume.quota.below_usage',
        `Quota ${k} limit must be equal or greater than existing resources. Current usage is ${used} and the requested limit is ${v}.`,
      );
  }
  await setLimits(deps.store.db, projectId, limits);
  return quotaLimits(deps, projectId);
}

function integer(key: string, v: unknown): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw new InputError('volume.quota.bad_value', `Invalid input received: ${key} must be an integer.`);
  if (n < -1) throw new InputError('volume.quota.bad_value', `Invalid input received: ${key} must be >= -1`);
  if (n > maxInt)
    throw new InputError('volume.quota.bad_value', `Invalid input received: ${key} must be <= ${maxInt}`);
  return n;
}

export async function resetQuotas(deps: VolumeDeps, projectId: string): Promise<void> {
  await deleteLimits(deps.store.db, projectId);
}

/** Refuses a new volume of `size` GiB beyond the project's limits, with Cinder's 413s. */
export async function checkVolumeQuota(deps: VolumeDeps, projectId: string, size: number): Promise<void> {
  const q = await quotaLimits(deps, projectId);
  const used = await usage(deps, projectId);
  const perVolume = q['per_volume_gigabytes']!;
  const retry = { 'retry-after': '0' };
  if (perVolume >= 0 && size > perVolume)
    throw new OverLimitError(
      'volume.quota.per_volume_gigabytes',
      `Requested volume size ${size}G is larger than maximum allowed limit ${perVolume}G.`,
      retry,
    );
  checkGigabytes(q, used, size);
  const n = q['volumes']!;
  if (n >= 0 && used.volumes + 1 > n)
    throw new OverLimitError(
      'volume.quota.volumes',
      `Maximum number of volumes allowed (${n}) exceeded for quota 'volumes'.`,
      retry,
    );
}

const retryNow = { 'retry-after': '0' };

function checkGigabytes(
  q: Readonly<Record<string, number>>,
  used: { readonly gigabytes: number },
  size: number,
) {
  const gb = q['gigabytes']!;
  if (gb >= 0 && used.gigabytes + size > gb)
    throw new OverLimitError(
      'volume.quota.gigabytes',
      `Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${size}G, quota is ${gb}G and ${used.gigabytes}G has been consumed.`,
      retryNow,
    );
}

/** Refuses a new snapshot of `size` GiB beyond the project's limits, with Cinder's 413s. */
export async function checkSnapshotQuota(deps: VolumeDeps, projectId: string, size: number): Promise<void> {
  const q = await quotaLimits(deps, projectId);
  const used = await usage(deps, projectId);
  checkGigabytes(q, used, size);
  const n = q['snapshots']!;
  if (n >= 0 && used.snapshots + 1 > n)
    throw new OverLimitError(
      'volume.quota.snapshots',
      `Maximum number of snapshots allowed (${n}) exceeded`,
      retryNow,
    );
}

/** Refuses growing a volume by `increase` GiB to `newSize` beyond the limits (Cinder's extend checks). */
export async function checkExtendQuota(
  deps: VolumeDeps,
  projectId: string,
  newSize: number,
  increase: number,
): Promise<void> {
  const q = await quotaLimits(deps, projectId);
  const perVolume = q['per_volume_gigabytes']!;
  if (perVolume >= 0 && newSize > perVolume)
    throw new OverLimitError(
      'volume.quota.per_volume_gigabytes',
      `Requested volume size ${newSize}G is larger than maximum allowed limit ${perVolume}G.`,
      retryNow,
    );
  checkGigabytes(q, await usage(deps, projectId), increase);
}

/** Refuses a new backup of `size` GiB beyond the project's backups and backup_gigabytes limits. */
export async function checkBackupQuota(deps: VolumeDeps, projectId: string, size: number): Promise<void> {
  const q = await quotaLimits(deps, projectId);
  const used = await usage(deps, projectId);
  const gb = q['backup_gigabytes']!;
  if (gb >= 0 && used.backup_gigabytes + size > gb)
    throw new OverLimitError(
      'volume.quota.backup_gigabytes',
      `Requested backup exceeds allowed Backup gigabytes quota. Requested ${size}G, quota is ${gb}G and ${used.backup_gigabytes}G has been consumed.`,
      retryNow,
    );
  const n = q['backups']!;
  if (n >= 0 && used.backups + 1 > n)
    throw new OverLimitError(
      'volume.quota.backups',
      `Maximum number of backups allowed (${n}) exceeded`,
      retryNow,
    );
}

/** Refuses taking over `volumes` volumes of `gigabytes` GiB and `snapshots` snapshots (a transfer accept). */
export async function checkTransferQuota(
  deps: VolumeDeps,
  projectId: string,
  take: { readonly gigabytes: number; readonly snapshots: number },
): Promise<void> {
  const q = await quotaLimits(deps, projectId);
  const used = await usage(deps, projectId);
  checkGigabytes(q, used, take.gigabytes);
  const n = q['volumes']!;
  if (n >= 0 && used.volumes + 1 > n)
    throw new OverLimitError(
      'volume.quota.volumes',
      `Maximum number of volumes allowed (${n}) exceeded for quota 'volumes'.`,
      retryNow,
    );
  const s = q['snapshots']!;
  if (s >= 0 && used.snapshots + take.snapshots > s)
    throw new OverLimitError(
      'volume.quota.snapshots',
      `Maximum number of snapshots allowed (${s}) exceeded`,
      retryNow,
    );
}
