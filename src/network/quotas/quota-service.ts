import { ConflictError } from '../../common/errors.js';
import type { AttributeMap } from '../network-attributes.js';
import { parseUpdate, toBoolean, toInt } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { httpBadRequest } from '../network-errors.js';
import type { Db } from '../../db/db-handle.js';
import type { QuotaResource } from './quota-store.js';
import * as store from './quota-store.js';

const intMax = 2 ** 31 - 1;

function isLimit(v: unknown): string | undefined {
  const n = v as number;
  if (n < -1) return `'${n}' is too small - must be at least '-1'`;
  if (n > intMax) return `'${n}' is too large - must be no larger than '${intMax}'`;
  return undefined;
}

/** The quota body's attributes: one per counted resource, plus Neutron's force/check_limit switches. */
const quotaAttributes: AttributeMap = {
  ...Object.fromEntries(
    store.quotaResources.map((r) => [r, { post: false, put: true, convert: toInt, validate: isLimit }]),
  ),
  force: { post: false, put: true, convert: toBoolean },
  check_limit: { post: false, put: true, convert: toBoolean },
};

/** Neutron's OverQuota (409), raised inside the creating transaction. */
export async function checkQuota(db: Db, projectId: string, resource: QuotaResource): Promise<void> {
  const { limit, used } = await store.limitAndUsageOf(db, projectId, resource);
  if (limit >= 0 && used + 1 > limit) throw overQuota(resource);
}

/** Neutron's quota_limit_check: the limit alone must have room for `delta`, whatever is in use. */
export async function checkQuotaLimit(db: Db, projectId: string, resource: QuotaResource, delta: number) {
  const limit = (await store.limitsOf(db, projectId))[resource];
  if (limit >= 0 && delta > limit) throw overQuota(resource);
}

const overQuota = (resource: QuotaResource) =>
  new ConflictError('network.over.quota', `Quota exceeded for resources: ['${resource}'].`);

export async function detailsOf(db: Db, projectId: string) {
  const limits = await store.limitsOf(db, projectId);
  const out: Record<string, { limit: number; used: number; reserved: number }> = {};
  for (const r of store.quotaResources)
    out[r] = { limit: limits[r], used: await store.usageOf(db, projectId, r), reserved: 0 };
  return out;
}

export async function updateQuota(
  deps: NetworkDeps,
  _caller: NetworkCaller,
  projectId: string,
  input: Record<string, unknown>,
): Promise<Record<QuotaResource, number>> {
  const body = parseUpdate(quotaAttributes, input);
  const checkLimit = body['check_limit'] === true && body['force'] !== true;
  return deps.store.write(async (tx) => {
    for (const r of store.quotaResources) {
      const limit = body[r] as number | undefined;
      if (limit === undefined) continue;
      if (checkLimit && limit >= 0) {
        const used = await store.usageOf(tx, projectId, r);
        if (used > limit)
          throw httpBadRequest(
            `Quota limit ${limit} for ${r} must be greater than or equal to already used ${used}`,
          );
      }
      await store.setLimit(tx, projectId, r, limit);
    }
    return store.limitsOf(tx, projectId);
  });
}
