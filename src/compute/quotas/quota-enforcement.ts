import { ForbiddenError } from '../../common/errors.js';
import type { QuotaDefaultsSource, QuotaLimits } from './quota-resources.js';
import { resolveQuotaDefaults } from './quota-resources.js';
import * as store from './quota-store.js';
import type { Db } from '../../db/db-handle.js';

/** The defaults every project starts from: the configured ones, then quota class 'default' (as Nova's get_defaults). */
export async function defaultQuotaLimits(db: Db, defaults: QuotaDefaultsSource): Promise<QuotaLimits> {
  return { ...resolveQuotaDefaults(defaults), ...(await store.getQuotaClass(db, 'default')) };
}

/** The project's effective limits: its overrides over the defaults. */
export async function projectQuotaLimits(
  db: Db,
  projectId: string,
  defaults: QuotaDefaultsSource,
): Promise<QuotaLimits> {
  return { ...(await defaultQuotaLimits(db, defaults)), ...(await store.getQuotaOverrides(db, projectId)) };
}

const exceeds = (limit: number, used: number, delta: number) => limit >= 0 && used + delta > limit;

/**
 * Throws ForbiddenError(403) with Nova's message ("Quota exceeded for instances: Requested
 * 1, but already used 10 of 10 instances") when adding `delta` would exceed a limit;
 * -1 = unlimited. Reads usage with the given db/transaction, so a caller that inserts in
 * the same transaction checks and writes atomically (SQLite has a single writer).
 */
export async function enforceServerQuota(
  db: Db,
  projectId: string,
  delta: { readonly instances: number; readonly cores: number; readonly ram: number },
  defaults: QuotaDefaultsSource,
): Promise<void> {
  const limits = await projectQuotaLimits(db, projectId, defaults);
  const used = await store.countServerUsage(db, projectId);
  const overs = (['instances', 'cores', 'ram'] as const).filter((r) => exceeds(limits[r], used[r], delta[r]));
  if (overs.length === 0) return;
  const list = (pick: (r: (typeof overs)[number]) => number) => overs.map(pick).join(', ');
  const names = overs.join(', ');
  throw new ForbiddenError(
    'compute.quota.instances',
    `Quota exceeded for ${names}: Requested ${list((r) => delta[r])}, but already used ` +
      `${list((r) => used[r])} of ${list((r) => limits[r])} ${names}`,
  );
}

/** Key pairs count per user against the limit of the caller's project (Nova's rule). */
export async function enforceKeypairQuota(
  db: Db,
  projectId: string | undefined,
  userId: string,
  defaults: QuotaDefaultsSource,
): Promise<void> {
  const limits =
    projectId === undefined
      ? await defaultQuotaLimits(db, defaults)
      : await projectQuotaLimits(db, projectId, defaults);
  if (exceeds(limits.key_pairs, await store.countKeypairs(db, userId), 1)) {
    throw new ForbiddenError('compute.quota.key_pairs', 'Quota exceeded, too many key pairs.');
  }
}

export async function enforceServerGroupQuota(
  db: Db,
  projectId: string,
  defaults: QuotaDefaultsSource,
): Promise<void> {
  const limits = await projectQuotaLimits(db, projectId, defaults);
  if (exceeds(limits.server_groups, await store.countServerGroups(db, projectId), 1)) {
    throw new ForbiddenError('compute.quota.server_groups', 'Quota exceeded, too many server groups.');
  }
}

/** For server create: adding `delta` servers to the group must stay within server_group_members. */
export async function enforceServerGroupMemberQuota(
  db: Db,
  projectId: string,
  groupId: string,
  delta: number,
  defaults: QuotaDefaultsSource,
): Promise<void> {
  const limits = await projectQuotaLimits(db, projectId, defaults);
  if (exceeds(limits.server_group_members, await store.countGroupMembers(db, groupId), delta)) {
    throw new ForbiddenError(
      'compute.quota.server_group_members',
      'Quota exceeded, too many servers in group',
    );
  }
}

/** Nova's MetadataLimitExceeded (403): a server's metadata items over the project's metadata_items. */
export async function enforceMetadataQuota(
  db: Db,
  projectId: string,
  items: number,
  defaults: QuotaDefaultsSource,
): Promise<void> {
  const limit = (await projectQuotaLimits(db, projectId, defaults)).metadata_items;
  if (exceeds(limit, 0, items)) {
    throw new ForbiddenError(
      'compute.quota.metadata_items',
      `Maximum number of metadata items exceeds ${limit}`,
    );
  }
}
