import { InputError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import { projectQuotaLimits } from './quota-enforcement.js';
import type { QuotaLimits, QuotaResource } from './quota-resources.js';
import { computeQuotaDefaults, isQuotaResource, quotaResources } from './quota-resources.js';
import * as store from './quota-store.js';

// Server create calls the enforcement functions inside its own write transaction.
export {
  enforceKeypairQuota,
  enforceServerGroupMemberQuota,
  enforceServerGroupQuota,
  enforceServerQuota,
} from './quota-enforcement.js';

/** Usage per resource as the quota views report it. */
export type QuotaUsage = Readonly<Record<QuotaResource, number>>;

const maxLimit = 0x7fffffff;

export function quotaDefaults(deps: ComputeDeps): QuotaLimits {
  return computeQuotaDefaults(deps.config);
}

export function projectQuotas(deps: ComputeDeps, projectId: string): Promise<QuotaLimits> {
  return projectQuotaLimits(deps.store.db, projectId, quotaDefaults(deps));
}

/**
 * Project usage for the detail and limits views. As in Nova, key_pairs and
 * server_group_members are per user or per group and read 0 at project level.
 */
export async function projectUsage(deps: ComputeDeps, projectId: string): Promise<QuotaUsage> {
  const db = deps.store.db;
  const servers = await store.countServerUsage(db, projectId);
  const zero = Object.fromEntries(quotaResources.map((r) => [r, 0])) as Record<QuotaResource, number>;
  return { ...zero, ...servers, server_groups: await store.countServerGroups(db, projectId) };
}

/**
 * Sets limits (admin). Every value is checked before any is written: a limit below
 * current usage is 400 unless `force`; the removed `networks` quota is 400.
 */
/** Nova's verify_project_id: quotas are kept only for projects Keystone knows. */
async function verifyProject(deps: ComputeDeps, projectId: string): Promise<void> {
  if (deps.projects === undefined || (await deps.projects.exists(projectId))) return;
  throw new InputError('compute.quota.unknown_project', `Project ID ${projectId} is not a valid project.`);
}

export async function updateQuotas(
  deps: ComputeDeps,
  projectId: string,
  body: Readonly<Record<string, unknown>>,
): Promise<QuotaLimits> {
  if (body['networks'] !== undefined) {
    throw new InputError('compute.quota.networks', 'The networks quota has been removed');
  }
  await verifyProject(deps, projectId);
  // oslo's lenient bool_from_string: anything but a true spelling is false.
  const force = ['1', 't', 'true', 'on', 'y', 'yes'].includes(String(body['force']).trim().toLowerCase());
  const usage = force ? undefined : await projectUsage(deps, projectId);
  const values: Partial<Record<QuotaResource, number>> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (!isQuotaResource(key) || raw === '' || raw === null || raw === undefined) continue;
    values[key] = checkedLimit(key, Number(raw), usage?.[key]);
  }
  await deps.store.db.transaction().execute((tx) => store.upsertQuotas(tx, projectId, values));
  return projectQuotas(deps, projectId);
}

function checkedLimit(resource: string, value: number, used: number | undefined): number {
  const inf = (v: number) => (v === -1 ? Infinity : v);
  if (value < -1 || value > maxLimit) {
    throw new InputError(
      'compute.quota.range',
      `Quota limit ${value} for ${resource} must be in the range of -1 and ${maxLimit}.`,
    );
  }
  if (used !== undefined && inf(value) < used) {
    throw new InputError(
      'compute.quota.below_usage',
      `Quota limit ${value} for ${resource} must be greater than or equal to already used and reserved ${used}.`,
    );
  }
  return value;
}

/** Back to the defaults. */
export async function deleteQuotas(deps: ComputeDeps, projectId: string): Promise<void> {
  await store.deleteQuotas(deps.store.db, projectId);
}

/** Strata keeps project quotas only; a user_id would silently change the whole project's limits. */
export function refuseUserQuotas(userId: string | undefined): void {
  if (userId !== undefined) {
    throw new InputError('compute.quota.per_user', 'Per-user quotas are not supported.');
  }
}
