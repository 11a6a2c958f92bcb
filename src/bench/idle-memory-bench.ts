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

/** RSS while idle, then after a burst of token issues (each scrypt verify takes 16 MiB), then a SIGTERM. */
async function measure(
  p: StrataProcess,
  dataDir: string,
  opts: BenchOptions,
  progress: BenchProgress,
): Promise<BenchMetric[]> {
  progress(`idle-memory: strata up (pid ${p.pid}) is ready; idle for ${opts.idleSec} s`);
  await sleep(opts.idleSec * 1000);
  const idle = procMemory(p.pid);
  progress(`idle-memory: ${opts.concurrency} clients issue tokens for ${opts.durationSec} s`);
  const http = new BenchHttpClient(opts.concurrency);
  const call = {
    method: 'POST' as const,
    url: `${readCloudsYaml(dataDir).auth_url}/v3/auth/tokens`,
    json: cloudsYamlAuthBody(readCloudsYaml(dataDir)),
  };
  await runLoad(opts.concurrency, opts.durationSec * 1000, () => http.expect(201, call));
  http.close();
  const loaded = procMemory(p.pid);
  const stop = await p.stop();
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
      const metrics = await withStrata(dataDir, (p) => measure(p, dataDir, opts, progress));
      return { name: 'idle-memory', metrics };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
