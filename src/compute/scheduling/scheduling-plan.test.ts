import { describe, expect, it } from 'vitest';
import { BatchSelector } from '../../scheduler/batch-selector.js';
import type { HostView } from '../../scheduler/host-view.js';
import { defaultPipeline } from '../../scheduler/pipeline.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { BuildAttempt, Server } from '../servers/server-model.js';
import type { ServerRow } from '../servers/server-store.js';
import { toServer } from '../servers/server-store.js';
import { serverRow } from '../testing/server-rows.js';
import { planPass, requestUnits } from './scheduling-plan.js';

let serial = 0;
/** A server waiting to be placed, as POST /servers writes it (512 MB, no group). */
function waiting(reservation: string, over: Partial<ServerRow> = {}, attempts: BuildAttempt[] = []): Server {
  const id = `srv-${++serial}`;
  return toServer(
    serverRow({
      id,
      name: id,
      hostname: id,
      reservation_id: reservation,
      build_attempts: JSON.stringify(attempts),
      created_at: '2025-01-01T00:00:00.000Z',
      ...over,
    }),
  );
}

/** Hosts with room for `slots` servers of 512 MB each. */
function hosts(slots: ReadonlyArray<number>): HostView[] {
  return slots.map((n, i) => ({
    hostname: `h${i + 1}`,
    providerId: `rp${i + 1}`,
    availabilityZone: 'nova',
    enabled: true,
    up: true,
    capacity: { VCPU: 16, MEMORY_MB: 512 * n, DISK_GB: 100 },
    used: {},
    maxUnit: {},
    traits: new Set(['CUSTOM_STRATA_VM']),
  }));
}

/** Enough of ComputeDeps for a pass without server groups: images are looked up, nothing else. */
const deps = { images: { getImage: async () => undefined } } as unknown as ComputeDeps;

async function pass(views: HostView[], servers: ReadonlyArray<Server>) {
  const selector = new BatchSelector(views, defaultPipeline('spread'));
  const index = new Map(views.map((h, i) => [h.providerId, i]));
  const planned = await planPass(deps, { selector, index, fresh: true }, servers);
  return { ...planned, selector };
}

describe('requestUnits', () => {
  it("groups a request's first placements, in pass order, and leaves everything else alone", () => {
    const a1 = waiting('r-a');
    const b = waiting('r-b');
    const a2 = waiting('r-a');
    const retry = waiting('r-a', {}, [{ host: 'h1', at: '2025-01-01T00:00:00.000Z', requestedZone: null }]);
    const resize = waiting('r-a', { task_state: 'resize_prep' });
    const a3 = waiting('r-a');
    const ids = requestUnits([a1, b, a2, retry, resize, a3]).map((u) => u.map((s) => s.id));
    expect(ids).toEqual([[a1.id, a2.id, a3.id], [b.id], [retry.id], [resize.id]]);
  });
});

describe('planPass', () => {
  it('places all servers of a request, claims tied together as one unit', async () => {
    const req = [waiting('r-ok'), waiting('r-ok'), waiting('r-ok')];
    const { claims, unplaceable } = await pass(hosts([2, 2]), req);
    expect(unplaceable).toEqual([]);
    expect(claims.map((c) => [c.consumerId, c.unit])).toEqual(req.map((s) => [s.id, 'reservation:r-ok']));
  });

  it("places none of a request that does not fit whole, and gives its room to the pass's next servers", async () => {
    const big = [waiting('r-big'), waiting('r-big'), waiting('r-big')];
    const after = waiting('r-after');
    const { claims, unplaceable, selector } = await pass(hosts([1, 1]), [...big, after]);
    expect(unplaceable.map((u) => u.server.id)).toEqual(big.map((s) => s.id));
    for (const u of unplaceable)
      expect(u.detail).toBe(
        'not enough hosts for all 3 servers of reservation r-big: 2 hosts: 2 lacking MEMORY_MB',
      );
    // The request's two tentative claims were taken back: the single server still finds room.
    expect(claims.map((c) => [c.consumerId, c.hostname, c.unit])).toEqual([[after.id, 'h1', undefined]]);
    expect(selector.hosts.map((h) => h.used['MEMORY_MB'] ?? 0)).toEqual([512, 0]);
  });

  it('judges a rescheduled build of a request alone', async () => {
    const tried = [{ host: 'h2', at: '2025-01-01T00:00:00.000Z', requestedZone: null }];
    const first = waiting('r-mix');
    const again = waiting('r-mix', {}, tried);
    const third = waiting('r-mix');
    const { claims, unplaceable } = await pass(hosts([1, 1]), [again, first, third]);
    // 'again' (kept off h2) takes h1; 'first' and 'third', one request, cannot both fit in what is left.
    expect(claims.map((c) => c.consumerId)).toEqual([again.id]);
    expect(unplaceable.map((u) => u.server.id)).toEqual([first.id, third.id]);
  });
});
