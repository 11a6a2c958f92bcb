import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HostView, PlacementRequest } from '../scheduler/host-view.js';
import type { HostRecord } from '../scheduler/host-views.js';
import { buildHostViews, withClaim } from '../scheduler/host-views.js';
import type { Pipeline } from '../scheduler/pipeline.js';
import { defaultPipeline, select } from '../scheduler/pipeline.js';
import { BatchSelector } from '../scheduler/batch-selector.js';
import type { ProviderSnapshot } from '../scheduler/placement-port.js';
import type { Claim } from '../scheduler/plan-applier.js';
import { applyPlan } from '../scheduler/plan-applier.js';
import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { benchFlavor } from './compute-bench-setup.js';

const name = 'scheduler';
/** The scheduling controller places at most this many servers per pass. */
const batchSize = 500;
const stormRate = 500;
/** A fake host as it registers (host-registry.ts): VCPU ratio 4, RAM and disk 1, the fake traits. */
const inventories = {
  VCPU: { total: 64, reserved: 0, minUnit: 1, maxUnit: 2147483647, stepSize: 1, allocationRatio: 4 },
  MEMORY_MB: {
    total: 262_144,
    reserved: 0,
    minUnit: 1,
    maxUnit: 2147483647,
    stepSize: 1,
    allocationRatio: 1,
  },
  DISK_GB: { total: 4_096, reserved: 0, minUnit: 1, maxUnit: 2147483647, stepSize: 1, allocationRatio: 1 },
};
const traits = ['CUSTOM_STRATA_CONTAINER', 'CUSTOM_STRATA_FAKE', 'CUSTOM_STRATA_VM'];
const resources = { VCPU: benchFlavor.vcpus, MEMORY_MB: benchFlavor.ram, DISK_GB: benchFlavor.disk };

const hostname = (i: number) => `sched-${String(i).padStart(5, '0')}`;
const records = (providers: ReadonlyArray<{ uuid: string; name: string }>): HostRecord[] =>
  providers.map((p) => ({
    hostname: p.name,
    providerId: p.uuid,
    availabilityZone: 'nova',
    enabled: true,
    up: true,
  }));

/** Host views the way the controller builds them, from synthetic empty providers. */
function syntheticHosts(n: number): HostView[] {
  const providers: ProviderSnapshot[] = Array.from({ length: n }, (_, i) => ({
    uuid: randomUUID(),
    name: hostname(i),
    generation: 1,
    inventories,
    usages: {},
    traits,
  }));
  return buildHostViews(records(providers), providers);
}

/** What places one server after another: select() afresh each time, or the pass's BatchSelector. */
interface Placer {
  readonly hosts: HostView[];
  select(req: PlacementRequest): { chosen: HostView[] };
  claim(index: number, resources: Readonly<Record<string, number>>): unknown;
}

/** select() over every host for each server: what a single decision costs without a pass. */
function coldPlacer(hosts: HostView[], p: Pipeline): Placer {
  return {
    hosts,
    select: (req) => select(hosts, req, p),
    claim: (i, r) => (hosts[i] = withClaim(hosts[i]!, r)),
  };
}

const placers = {
  'select()': coldPlacer,
  BatchSelector: (hosts: HostView[], p: Pipeline): Placer => new BatchSelector(hosts, p),
} as const;

/**
 * Places `count` servers one after another as a scheduling pass does: each choice sees
 * the earlier ones (the chosen host's view gains the claim). Times each choice alone.
 */
function placeBatch(placer: Placer, count: number, selectMs: number[]): Claim[] {
  const index = new Map(placer.hosts.map((h, i) => [h.providerId, i]));
  const claims: Claim[] = [];
  for (let k = 0; k < count; k++) {
    const req: PlacementRequest = {
      consumerId: randomUUID(),
      resources,
      requiredTraits: ['CUSTOM_STRATA_VM'],
    };
    const t0 = performance.now();
    const best = placer.select(req).chosen[0];
    selectMs.push(performance.now() - t0);
    if (best === undefined) throw new Error(`${name}: no host left for placement ${claims.length + 1}`);
    placer.claim(index.get(best.providerId)!, resources);
    claims.push({
      consumerId: req.consumerId,
      projectId: 'bench-project',
      userId: 'bench-user',
      hostname: best.hostname,
      allocations: [{ providerId: best.providerId, resources }],
    });
  }
  return claims;
}

/** Servers of the bench flavor one empty synthetic host holds. */
const perHost = Math.min(
  ...Object.entries(resources).map(([rc, amount]) => {
    const inv = inventories[rc as keyof typeof inventories];
    return Math.floor(((inv.total - inv.reserved) * inv.allocationRatio) / amount);
  }),
);

/**
 * One placer alone over `n` synthetic hosts for `durationSec`. A fast placer fills every
 * host within the run, so the hosts start empty again whenever they are half full.
 */
function pureSelect(n: number, kind: keyof typeof placers, opts: BenchOptions): BenchMetric[] {
  const p = defaultPipeline('spread');
  let placer = placers[kind](syntheticHosts(n), p);
  let placedHere = 0;
  const samples: number[] = [];
  placeBatch(placer, 20, []);
  const t0 = performance.now();
  while (performance.now() - t0 < opts.durationSec * 1000) {
    if ((placedHere + 50) * 2 > n * perHost) [placer, placedHere] = [placers[kind](syntheticHosts(n), p), 0];
    placeBatch(placer, 50, samples);
    placedHere += 50;
  }
  const rate = (samples.length * 1000) / (performance.now() - t0);
  const s = summarize(samples);
  return [
    {
      name: `${kind} placements/s, ${n} hosts (pure, in memory)`,
      value: rate,
      unit: 'placements/s',
      target: { text: `storm needs >= ${stormRate}/s` },
    },
    { name: `${kind} p50, ${n} hosts`, value: s.p50, unit: 'ms' },
    { name: `${kind} p99, ${n} hosts`, value: s.p99, unit: 'ms' },
  ];
}

async function registerProviders(c: BenchCloud, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await c.cloud.compute.deps.placement.ensureProvider({
      uuid: randomUUID(),
      name: hostname(i),
      inventories,
      traits,
    });
  }
  return (performance.now() - t0) / 1000;
}

/** Passes of `batchSize`: snapshot + views, a BatchSelector choosing each, applyPlan (one placement transaction). */
async function withPlacement(c: BenchCloud, n: number, opts: BenchOptions, progress: BenchProgress) {
  progress(`${name}: registering ${n} resource providers in placement`);
  const registerSec = await registerProviders(c, n);
  progress(`${name}: passes of ${batchSize} placements against placement, ${n} hosts, ${opts.durationSec} s`);
  const placement = c.cloud.compute.deps.placement;
  const p = defaultPipeline('spread');
  const split = { snapshot: 0, select: 0, apply: 0 };
  let placed = 0;
  let passes = 0;
  const t0 = performance.now();
  while (passes === 0 || performance.now() - t0 < opts.durationSec * 1000) {
    let t = performance.now();
    const snapshot = await placement.snapshot();
    const hosts = buildHostViews(records(snapshot), snapshot);
    split.snapshot += performance.now() - t;
    t = performance.now();
    const claims = placeBatch(new BatchSelector(hosts, p), batchSize, []);
    split.select += performance.now() - t;
    t = performance.now();
    const { committed, stale } = await applyPlan(placement, claims);
    split.apply += performance.now() - t;
    if (stale.length > 0) throw new Error(`${name}: ${stale.length} stale claims with a single scheduler`);
    placed += committed.length;
    passes++;
  }
  const rate = (placed * 1000) / (performance.now() - t0);
  return { registerSec, rate, passes, perPass: { ...split, passes } };
}

async function placementMetrics(c: BenchCloud, opts: BenchOptions, progress: BenchProgress) {
  const out: BenchMetric[] = [];
  for (const n of opts.schedulerHosts) {
    const m = await withPlacement(c, n, opts, progress);
    const per = (ms: number) => ms / m.passes;
    out.push(
      { name: `${n} providers registered (ensureProvider, sequential)`, value: m.registerSec, unit: 's' },
      {
        name: `placements/s with snapshot + applyPlan, ${n} hosts (${m.passes} x ${batchSize})`,
        value: m.rate,
        unit: 'placements/s',
        target: { text: `storm needs >= ${stormRate}/s` },
      },
      {
        name: `per pass: placement snapshot + host views, ${n} hosts`,
        value: per(m.perPass.snapshot),
        unit: 'ms',
      },
      { name: `per pass: ${batchSize} choices, ${n} hosts`, value: per(m.perPass.select), unit: 'ms' },
      { name: `per pass: applyPlan (one transaction), ${n} hosts`, value: per(m.perPass.apply), unit: 'ms' },
    );
  }
  return out;
}

export const schedulerBench: Benchmark = {
  name,
  description:
    'scheduler choices over synthetic hosts (select() and the pass BatchSelector), then passes with placement in-process',
  async run(opts, progress) {
    const metrics: BenchMetric[] = [];
    for (const n of opts.schedulerHosts) {
      for (const kind of ['select()', 'BatchSelector'] as const) {
        progress(`${name}: ${kind} over ${n} synthetic hosts for ${opts.durationSec} s`);
        metrics.push(...pureSelect(n, kind, opts));
      }
    }
    // One cloud per host count: providers from the smaller run would skew the larger one.
    for (const n of opts.schedulerHosts) {
      const one = { ...opts, schedulerHosts: [n] };
      metrics.push(
        ...(await withBenchCloud(1, (c) => placementMetrics(c, one, progress), { computeDriver: 'none' })),
      );
    }
    return { name, metrics };
  },
};
