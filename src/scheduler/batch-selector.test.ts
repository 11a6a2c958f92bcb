import { describe, expect, it } from 'vitest';
import { BatchSelector } from './batch-selector.js';
import type { HostView, PlacementRequest } from './host-view.js';
import { withClaim } from './host-views.js';
import { defaultPipeline, describeReport, select } from './pipeline.js';

function hosts(n: number, seed: number): HostView[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => ({
    hostname: `h${String(i).padStart(3, '0')}`,
    providerId: `rp${i}`,
    availabilityZone: i % 3 === 0 ? 'az1' : 'nova',
    enabled: rnd() > 0.1,
    up: true,
    capacity: { VCPU: 8, MEMORY_MB: 4096 + Math.floor(rnd() * 8) * 512, DISK_GB: 100 },
    used: { VCPU: Math.floor(rnd() * 4), MEMORY_MB: Math.floor(rnd() * 4) * 512 },
    maxUnit: {},
    traits: new Set(rnd() > 0.2 ? ['CUSTOM_STRATA_VM'] : ['CUSTOM_STRATA_CONTAINER']),
  }));
}

const shapes: PlacementRequest[] = [
  {
    consumerId: 'a',
    resources: { VCPU: 1, MEMORY_MB: 512, DISK_GB: 5 },
    requiredTraits: ['CUSTOM_STRATA_VM'],
  },
  {
    consumerId: 'b',
    resources: { VCPU: 2, MEMORY_MB: 2048, DISK_GB: 10 },
    requiredTraits: ['CUSTOM_STRATA_VM'],
    availabilityZone: 'az1',
  },
  {
    consumerId: 'c',
    resources: { VCPU: 1, MEMORY_MB: 256, DISK_GB: 1 },
    requiredTraits: ['CUSTOM_STRATA_CONTAINER'],
  },
];

describe('BatchSelector', () => {
  for (const strategy of ['spread', 'pack'] as const) {
    it(`chooses what select() chooses over a long pass (${strategy})`, () => {
      const p = defaultPipeline(strategy);
      const plain = hosts(60, 7);
      const batch = new BatchSelector(hosts(60, 7), p);
      let refusals = 0;
      for (let k = 0; k < 400; k++) {
        const req = shapes[k % shapes.length]!;
        const want = select(plain, req, p);
        const got = batch.select(req);
        expect(got.chosen.map((h) => h.hostname)).toEqual(want.chosen.map((h) => h.hostname));
        const best = want.chosen[0];
        if (best === undefined) {
          refusals++;
          expect(describeReport(got.report)).toBe(describeReport(want.report));
          continue;
        }
        const i = plain.findIndex((h) => h.providerId === best.providerId);
        plain[i] = withClaim(best, req.resources);
        batch.claim(i, req.resources);
      }
      expect(refusals).toBeGreaterThan(0); // the pass ran hosts out of room
    });
  }

  it('keeps a rescheduled build off the hosts it failed on, while its shape still goes there', () => {
    const p = defaultPipeline('spread');
    const batch = new BatchSelector(hosts(60, 7), p);
    const best = batch.select(shapes[0]!).chosen[0]!.hostname;
    const retry = batch.select({ ...shapes[0]!, ignoreHosts: [best] });
    expect(retry.chosen.map((h) => h.hostname)).not.toContain(best);
    expect(retry.chosen.map((h) => h.hostname)).toEqual(
      select(hosts(60, 7), { ...shapes[0]!, ignoreHosts: [best] }, p).chosen.map((h) => h.hostname),
    );
    expect(batch.select(shapes[0]!).chosen[0]!.hostname).toBe(best);
  });

  it('takes a released claim back: later choices are what select() makes without it', () => {
    const p = defaultPipeline('pack');
    const plain = hosts(60, 7);
    const batch = new BatchSelector(hosts(60, 7), p);
    const big = { ...shapes[1]!, availabilityZone: undefined };
    // Fill hosts with claims, then release them all: packing must choose as on the untouched views.
    const placed: Array<[number, Readonly<Record<string, number>>]> = [];
    for (let k = 0; k < 40; k++) {
      const req = k % 2 === 0 ? big : shapes[0]!;
      const best = batch.select(req).chosen[0];
      if (best === undefined) break;
      const i = batch.hosts.findIndex((h) => h.providerId === best.providerId);
      batch.claim(i, req.resources);
      placed.push([i, req.resources]);
    }
    expect(placed.length).toBeGreaterThan(10);
    for (const [i, r] of placed.reverse()) batch.release(i, r);
    for (const req of [...shapes, big]) {
      expect(batch.select(req).chosen.map((h) => h.hostname)).toEqual(
        select(plain, req, p).chosen.map((h) => h.hostname),
      );
    }
    const usedOf = (h: HostView) => ['VCPU', 'MEMORY_MB', 'DISK_GB'].map((rc) => h.used[rc] ?? 0);
    expect(batch.hosts.map(usedOf)).toEqual(plain.map(usedOf));
  });

  it('keeps requests that forbid a trait apart from those that do not', () => {
    const p = defaultPipeline('spread');
    const batch = new BatchSelector(hosts(60, 7), p);
    const best = batch.select(shapes[0]!).chosen[0]!;
    const slow = new BatchSelector(
      hosts(60, 7).map((h) =>
        h.hostname === best.hostname ? { ...h, traits: new Set([...h.traits, 'CUSTOM_SLOW']) } : h,
      ),
      p,
    );
    expect(slow.select(shapes[0]!).chosen[0]!.hostname).toBe(best.hostname);
    const picky = { ...shapes[0]!, forbiddenTraits: ['CUSTOM_SLOW'] };
    expect(slow.select(picky).chosen.map((h) => h.hostname)).not.toContain(best.hostname);
    expect(slow.select(shapes[0]!).chosen[0]!.hostname).toBe(best.hostname);
  });
});
