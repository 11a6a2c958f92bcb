import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import type { StormReplies } from './boot-storm-clients.js';
import { runStormClients } from './boot-storm-clients.js';
import type { ComputeSetup } from './compute-bench-setup.js';
import {
  addBenchHosts,
  prepareCompute,
  prepareNetwork,
  waitAllActive,
  walkServerDetail,
} from './compute-bench-setup.js';
import { procMemory, threadCpuMs } from './strata-process.js';

const name = 'boot-storm';
const serversPerSecondTarget = 500;
/** Nova's fake driver default host, in Strata's fake-host shape. */
export const fakeHostShape = { vcpus: 64, memoryMb: 262_144, diskGb: 4_096 } as const;

/** Per-server timestamps the cloud recorded itself (epoch ms), so watching costs nothing. */
interface ServerTimes {
  readonly createdAt: number;
  readonly scheduledAt: number;
  readonly activeAt: number;
}

interface Storm {
  readonly replies: StormReplies;
  readonly times: ReadonlyMap<string, ServerTimes>;
  /** Main-thread (cloud) event-loop utilization over the storm, 0..1. */
  readonly loopBusy: number;
  readonly loopBusyMs: number;
  /** The cloud's main thread (API, scheduler, agents), user + system. */
  readonly mainCpuMs: number;
  readonly peakRssMiB: number;
}

/** Resets VmHWM so the peak read after the storm is the storm's own (Linux >= 4.0). */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function readTimes(c: BenchCloud): Promise<Map<string, ServerTimes>> {
  const rows = await c.cloud.store.db
    .selectFrom('servers')
    .select(['id', 'created_at', 'scheduling', 'launched_at'])
    .execute();
  const times = new Map<string, ServerTimes>();
  for (const r of rows) {
    const scheduled = r.scheduling === null ? undefined : (JSON.parse(r.scheduling) as { at: string }).at;
    times.set(r.id, {
      createdAt: Date.parse(r.created_at),
      scheduledAt: scheduled === undefined ? Number.NaN : Date.parse(scheduled),
      activeAt: r.launched_at === null ? Number.NaN : Date.parse(r.launched_at),
    });
  }
  return times;
}

async function storm(c: BenchCloud, s: ComputeSetup, opts: BenchOptions, progress: BenchProgress) {
  progress(`${name}: ${opts.stormClients} clients create ${opts.servers} servers over HTTP`);
  const hwmReset = resetPeakRss();
  let sampledPeak = procMemory(process.pid).rssMiB;
  c.cloud.store.statementProfile?.reset();
  const cpu0 = threadCpuMs(process.pid);
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  let lastReport = t0;
  const order = { ...s, servers: opts.servers, clients: opts.stormClients };
  const [replies] = await Promise.all([
    runStormClients(order),
    waitAllActive(c, opts.servers, {
      everyMs: 250,
      stallMs: 120_000,
      onTick: (st) => {
        sampledPeak = Math.max(sampledPeak, procMemory(process.pid).rssMiB);
        if (performance.now() - lastReport < 10_000) return;
        lastReport = performance.now();
        const sec = (lastReport - t0) / 1000;
        progress(`${name}: ${st.total} created, ${st.active} ACTIVE after ${sec.toFixed(0)} s`);
      },
    }),
  ]);
  const elu = performance.eventLoopUtilization(elu0);
  const mainCpuMs = threadCpuMs(process.pid) - cpu0;
  const profile = c.cloud.store.statementProfile;
  if (profile !== undefined) progress(profile.format({ unit: 'server', count: opts.servers }));
  const mem = procMemory(process.pid);
  return {
    replies,
    times: await readTimes(c),
    loopBusy: elu.utilization,
    loopBusyMs: elu.active,
    mainCpuMs,
    peakRssMiB: hwmReset ? mem.hwmMiB : sampledPeak,
  } satisfies Storm;
}

function stormMetrics(m: Storm, opts: BenchOptions, hostsSec: number, rssBeforeMiB: number): BenchMetric[] {
  const { replies, times } = m;
  const start = Math.min(...replies.sentAt);
  const t = replies.ids.map((id) => times.get(id)!);
  const lastActive = Math.max(...t.map((x) => x.activeAt));
  const rate = (replies.ids.length * 1000) / (lastActive - start);
  const post = summarize(replies.sentAt.map((sent, i) => replies.repliedAt[i]! - sent));
  // ACTIVE can be committed a moment before the client thread reads its 202: count that as 0.
  const toActive = summarize(t.map((x, i) => Math.max(0, x.activeAt - replies.repliedAt[i]!)));
  const placed = summarize(t.map((x) => x.scheduledAt - x.createdAt));
  const spawned = summarize(t.map((x) => x.activeAt - x.scheduledAt));
  const n = `${opts.servers} servers, ${opts.hosts} hosts, ${opts.stormClients} clients`;
  return [
    { name: `${opts.hosts} fake hosts started (sequential registration)`, value: hostsSec, unit: 's' },
    {
      name: `servers/s, first POST to last ACTIVE (${n})`,
      value: rate,
      unit: 'servers/s',
      target: { text: `>= ${serversPerSecondTarget}/s`, met: rate >= serversPerSecondTarget },
    },
    { name: 'storm wall time, first POST to last ACTIVE', value: (lastActive - start) / 1000, unit: 's' },
    { name: 'create (202 received) to ACTIVE p50', value: toActive.p50, unit: 'ms' },
    { name: 'create (202 received) to ACTIVE p99', value: toActive.p99, unit: 'ms' },
    { name: `POST /servers latency p50 (${opts.stormClients} clients)`, value: post.p50, unit: 'ms' },
    { name: `POST /servers latency p99 (${opts.stormClients} clients)`, value: post.p99, unit: 'ms' },
    { name: 'phase: row inserted to placed (scheduling) p50', value: placed.p50, unit: 'ms' },
    { name: 'phase: row inserted to placed (scheduling) p99', value: placed.p99, unit: 'ms' },
    { name: 'phase: placed to ACTIVE (agent spawn + report) p50', value: spawned.p50, unit: 'ms' },
    { name: 'phase: placed to ACTIVE (agent spawn + report) p99', value: spawned.p99, unit: 'ms' },
    { name: 'cloud event loop busy during the storm', value: m.loopBusy * 100, unit: '%' },
    { name: 'cloud event-loop time per server', value: m.loopBusyMs / opts.servers, unit: 'ms' },
    { name: 'cloud main-thread CPU time per server', value: m.mainCpuMs / opts.servers, unit: 'ms' },
    { name: 'RSS before the storm (hosts running)', value: rssBeforeMiB, unit: 'MiB' },
    { name: 'peak RSS during the storm (VmHWM)', value: m.peakRssMiB, unit: 'MiB' },
  ];
}

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchMetric[]> {
  // Placement's VCPU allocation ratio is 4: beyond this the scheduler rightly says NoValidHost.
  const room = opts.hosts * fakeHostShape.vcpus * 4;
  if (opts.servers > room) throw new Error(`${name}: ${opts.hosts} hosts hold at most ${room} servers`);
  const hostsSec = await addBenchHosts(c, opts.hosts, fakeHostShape, progress, name);
  // One port per server, as issue 12 asks of the storm.
  const setup = await prepareNetwork(c, await prepareCompute(c, opts.servers), opts.servers);
  const rssBefore = procMemory(process.pid).rssMiB;
  const m = await storm(c, setup, opts, progress);
  progress(`${name}: every server ACTIVE in the store; checking over GET /servers/detail`);
  const seen = await walkServerDetail(c, setup);
  if (seen.get('ACTIVE') !== opts.servers)
    throw new Error(`GET /servers/detail shows ${JSON.stringify([...seen])}, not ${opts.servers} ACTIVE`);
  return stormMetrics(m, opts, hostsSec, rssBefore);
}

export const bootStormBench: Benchmark = {
  name,
  description: 'servers created over HTTP by concurrent clients until ACTIVE on fake hosts (fake driver)',
  run: (opts, progress) =>
    withBenchCloud(opts.stormClients, async (c) => ({ name, metrics: await measure(c, opts, progress) }), {
      computeDriver: 'fake',
      fakeHosts: 0,
    }),
};
