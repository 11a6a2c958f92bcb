import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import { BenchHttpClient } from './bench-http.js';
import { runLoad } from './bench-stats.js';
import type { StrataProcess } from './strata-process.js';
import { cloudsYamlAuthBody, procMemory, readCloudsYaml, withStrata } from './strata-process.js';

const idleRssTargetMiB = 150;

type Memory = ReturnType<typeof procMemory>;

interface MemoryReadings {
  readonly idle: Memory;
  readonly loaded: Memory;
  readonly settled: Memory;
  readonly stop: { readonly code: number | null; readonly ms: number };
}

/** `concurrency` clients issue tokens with the clouds.yaml credentials for `durationSec`. */
async function issueLoad(dataDir: string, opts: BenchOptions): Promise<void> {
  const auth = readCloudsYaml(dataDir);
  const http = new BenchHttpClient(opts.concurrency);
  const call = {
    method: 'POST' as const,
    url: `${auth.auth_url}/v3/auth/tokens`,
    json: cloudsYamlAuthBody(auth),
  };
  try {
    await runLoad(opts.concurrency, opts.durationSec * 1000, () => http.expect(201, call));
  } finally {
    http.close();
  }
}

/** RSS while idle, after a burst of token issues (each Argon2id verify takes 19 MiB), after settling, then SIGTERM. */
async function readMemory(
  p: StrataProcess,
  dataDir: string,
  opts: BenchOptions,
  progress: BenchProgress,
): Promise<MemoryReadings> {
  progress(`idle-memory: strata up (pid ${p.pid}) is ready; idle for ${opts.idleSec} s`);
  await sleep(opts.idleSec * 1000);
  const idle = procMemory(p.pid);
  progress(`idle-memory: ${opts.concurrency} clients issue tokens for ${opts.durationSec} s, then idle`);
  await issueLoad(dataDir, opts);
  const loaded = procMemory(p.pid);
  await sleep(opts.idleSec * 1000);
  const settled = procMemory(p.pid);
  return { idle, loaded, settled, stop: await p.stop() };
}

function memoryMetrics(r: MemoryReadings, opts: BenchOptions): BenchMetric[] {
  const { idle, loaded, settled, stop } = r;
  return [
    {
      name: `idle RSS after ready + ${opts.idleSec} s`,
      value: idle.rssMiB,
      unit: 'MiB',
      target: { text: `< ${idleRssTargetMiB} MiB`, met: idle.rssMiB < idleRssTargetMiB },
    },
    { name: 'peak RSS up to then (VmHWM)', value: idle.hwmMiB, unit: 'MiB' },
    {
      name: `RSS after ${opts.durationSec} s of token issue, ${opts.concurrency} clients`,
      value: loaded.rssMiB,
      unit: 'MiB',
    },
    { name: 'peak RSS after that load (VmHWM)', value: loaded.hwmMiB, unit: 'MiB' },
    { name: `RSS ${opts.idleSec} s after the load ended`, value: settled.rssMiB, unit: 'MiB' },
    {
      name: 'exit code after SIGTERM',
      value: stop.code ?? -1,
      unit: 'exit code',
      target: { text: '0', met: stop.code === 0 },
    },
    { name: 'SIGTERM to exit', value: stop.ms, unit: 'ms' },
  ];
}

export const idleMemoryBench: Benchmark = {
  name: 'idle-memory',
  description: 'VmRSS of a spawned `strata up` (fresh SQLite data dir) while idle, and its SIGTERM exit',
  async run(opts, progress) {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-bench-up-'));
    try {
      const readings = await withStrata(dataDir, (p) => readMemory(p, dataDir, opts, progress));
      return { name: 'idle-memory', metrics: memoryMetrics(readings, opts) };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
