import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchMetric, Benchmark, BenchProgress } from './benchmark.js';
import { BenchHttpClient } from './bench-http.js';
import { summarize } from './bench-stats.js';
import type { StrataProcess } from './strata-process.js';
import { cloudsYamlAuthBody, readCloudsYaml, withStrata } from './strata-process.js';

interface StartTiming {
  /** Spawn to the "Strata is up" banner. */
  readonly readyMs: number;
  /** Spawn to the first 201 from POST /v3/auth/tokens. */
  readonly tokenMs: number;
  /** The banner's own "ready in N ms": from `up()` being called, so without Node and module load. */
  readonly selfMs: number;
}

/** Posts the clouds.yaml credentials until a 201 (retrying refusals for up to 10 s). */
async function firstToken(p: StrataProcess, dataDir: string, http: BenchHttpClient): Promise<number> {
  const auth = readCloudsYaml(dataDir);
  const call = {
    method: 'POST' as const,
    url: `${auth.auth_url}/v3/auth/tokens`,
    json: cloudsYamlAuthBody(auth),
  };
  for (let attempt = 0; attempt < 1000; attempt++) {
    const reply = await http.request(call).catch(() => undefined);
    if (reply?.status === 201) return performance.now() - p.spawnedAt;
    await sleep(10);
  }
  throw new Error(`no token from ${call.url} within 10 s`);
}

async function timeStart(dataDir: string): Promise<StartTiming> {
  const http = new BenchHttpClient(1);
  try {
    return await withStrata(dataDir, async (p) => {
      const readyMs = performance.now() - p.spawnedAt;
      return { readyMs, selfMs: p.selfReportedMs, tokenMs: await firstToken(p, dataDir, http) };
    });
  } finally {
    http.close();
  }
}

/** `runs` starts on fresh data directories, then `runs` restarts on the last one. */
async function timeStarts(runs: number, progress: BenchProgress) {
  const fresh: StartTiming[] = [];
  const again: StartTiming[] = [];
  const dirs: string[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      dirs.push(mkdtempSync(join(tmpdir(), 'strata-bench-start-')));
      progress(`startup: fresh data dir, run ${i + 1}/${runs}`);
      fresh.push(await timeStart(dirs.at(-1)!));
    }
    for (let i = 0; i < runs; i++) {
      progress(`startup: existing data dir, run ${i + 1}/${runs}`);
      again.push(await timeStart(dirs.at(-1)!));
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return { fresh, again };
}

function startMetrics(label: string, timings: ReadonlyArray<StartTiming>): BenchMetric[] {
  const ready = summarize(timings.map((t) => t.readyMs));
  const token = summarize(timings.map((t) => t.tokenMs));
  const self = summarize(timings.map((t) => t.selfMs));
  const n = `median of ${timings.length}`;
  return [
    { name: `${label}: spawn to first token 201 (${n})`, value: token.p50, unit: 'ms' },
    { name: `${label}: spawn to first token 201, slowest`, value: token.max, unit: 'ms' },
    { name: `${label}: spawn to "Strata is up" (${n})`, value: ready.p50, unit: 'ms' },
    { name: `${label}: of which up() itself ("ready in", ${n})`, value: self.p50, unit: 'ms' },
  ];
}

export const startupBench: Benchmark = {
  name: 'startup',
  description: 'spawn of `strata up` to the first 201 from POST /v3/auth/tokens with clouds.yaml credentials',
  async run(opts, progress) {
    const { fresh, again } = await timeStarts(opts.runs, progress);
    return {
      name: 'startup',
      metrics: [...startMetrics('fresh', fresh), ...startMetrics('existing', again)],
    };
  },
};
