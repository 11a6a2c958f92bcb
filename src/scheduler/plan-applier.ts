import { isCloudError } from '../common/errors.js';
import type { ClaimWrite, SchedulerPlacement } from './placement-port.js';

export interface Claim extends ClaimWrite {
  readonly hostname: string;
  /**
   * Claims with the same unit commit together or not at all (the servers of one
   * multi-create, a resize's claim and its migration's); undefined: the claim alone.
   */
  readonly unit?: string;
}

export interface AppliedPlan {
  readonly committed: ReadonlyArray<Claim>;
  /** Claims placement refused (capacity taken meanwhile): schedule again on a fresh snapshot. */
  readonly stale: ReadonlyArray<Claim>;
}

/**
 * Commits a plan. Placement re-checks capacity inside its transaction, so a claim the
 * scheduler made on a stale snapshot can only fail, never oversubscribe. The whole plan
 * goes in one transaction; if anything conflicts, claims are retried unit by unit so one
 * stale choice does not sink the others, and a unit is never half committed.
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
  for (const unit of unitsOf(claims)) {
    try {
      if (unit.length === 1) await placement.writeAllocations(unit[0]!);
      else await placement.writeAllocationsBatch(unit);
      committed.push(...unit);
    } catch (err) {
      if (!isConflict(err)) throw err;
      stale.push(...unit);
    }
  }
  return { committed, stale };
}

/** The claims grouped by unit, in the order each unit first appears. */
function unitsOf(claims: ReadonlyArray<Claim>): Claim[][] {
  const units: Claim[][] = [];
  const byUnit = new Map<string, Claim[]>();
  for (const c of claims) {
    const unit = c.unit === undefined ? undefined : byUnit.get(c.unit);
    if (unit !== undefined) {
      unit.push(c);
      continue;
    }
    const fresh = [c];
    units.push(fresh);
    if (c.unit !== undefined) byUnit.set(c.unit, fresh);
  }
  return units;
}

function isConflict(err: unknown): boolean {
  return isCloudError(err) && err.status === 409;
}
