import { isCloudError } from '../common/errors.js';
import type { ClaimWrite, SchedulerPlacement } from './placement-port.js';

export interface Claim extends ClaimWrite {
  readonly hostname: string;
}

export interface AppliedPlan {
  readonly committed: ReadonlyArray<Claim>;
  /** Claims placement refused (capacity taken meanwhile): schedule again on a fresh snapshot. */
  readonly stale: ReadonlyArray<Claim>;
}

/**
 * Commits a plan. Placement re-checks capacity inside its transaction, so a claim the
 * scheduler made on a stale snapshot can only fail, never oversubscribe. The whole plan
 * goes in one transaction; if anything conflicts, claims are retried one by one so one
 * stale choice does not sink the others.
 */
export async function applyPlan(
  placement: SchedulerPlacement,
  claims: ReadonlyArray<Claim>,
): Promise<AppliedPlan> {
  if (claims.length === 0) return { committed: [], stale: [] };
  try {
    await placement.writeAllocationsBatch(claims);
    return { committed: claims, stale: [] };
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
  const committed: Claim[] = [];
  const stale: Claim[] = [];
  for (const c of claims) {
    try {
      await placement.writeAllocations(c);
      committed.push(c);
    } catch (err) {
      if (!isConflict(err)) throw err;
      stale.push(c);
    }
  }
  return { committed, stale };
}

function isConflict(err: unknown): boolean {
  return isCloudError(err) && err.status === 409;
}
