import { describe, expect, it } from 'vitest';
import { ConflictError } from '../common/errors.js';
import type { ClaimWrite, SchedulerPlacement } from './placement-port.js';
import type { Claim } from './plan-applier.js';
import { applyPlan } from './plan-applier.js';

/** Placement with room for `room` claims per host; a write that overflows a host is a 409, all or nothing. */
function fakePlacement(room: Record<string, number>): SchedulerPlacement & { held: Map<string, string> } {
  const held = new Map<string, string>(); // consumer -> provider
  const write = (writes: ReadonlyArray<ClaimWrite>) => {
    const next = new Map(held);
    for (const w of writes) {
      next.delete(w.consumerId);
      for (const a of w.allocations) next.set(w.consumerId, a.providerId);
    }
    for (const [host, n] of Object.entries(room))
      if ([...next.values()].filter((p) => p === host).length > n)
        throw new ConflictError('placement.concurrent_update', `no room on ${host}`);
    held.clear();
    for (const [k, v] of next) held.set(k, v);
  };
  return {
    held,
    snapshot: async () => [],
    writeAllocations: async (w) => write([w]),
    writeAllocationsBatch: async (ws) => write(ws),
    deleteAllocations: async (id) => void held.delete(id),
  };
}

const claim = (consumerId: string, host: string, unit?: string): Claim => ({
  consumerId,
  projectId: 'p',
  userId: 'u',
  hostname: host,
  allocations: [{ providerId: host, resources: { VCPU: 1 } }],
  ...(unit !== undefined && { unit }),
});

describe('applyPlan', () => {
  it('commits the whole plan in one write when it fits', async () => {
    const placement = fakePlacement({ a: 2, b: 2 });
    const plan = [claim('s1', 'a'), claim('s2', 'b', 'r-1'), claim('s3', 'a', 'r-1')];
    expect(await applyPlan(placement, plan)).toEqual({ committed: plan, stale: [] });
  });

  it('after a conflict, commits each unit whole or not at all, and single claims alone', async () => {
    const placement = fakePlacement({ a: 1, b: 2 });
    // s1 takes a's only room; r-1 needs a as well, so both its claims go back, b's included.
    const plan = [claim('s1', 'a'), claim('s2', 'b', 'r-1'), claim('s3', 'a', 'r-1'), claim('s4', 'b')];
    const { committed, stale } = await applyPlan(placement, plan);
    expect(committed.map((c) => c.consumerId)).toEqual(['s1', 's4']);
    expect(stale.map((c) => c.consumerId)).toEqual(['s2', 's3']);
    expect([...placement.held.keys()].sort()).toEqual(['s1', 's4']);
  });
});
