import { performance } from 'node:perf_hooks';

/** Latency figures in milliseconds. */
export interface LatencySummary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** Nearest-rank percentile of ascending samples; q in 0..1. */
export function percentile(sorted: ReadonlyArray<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samplesMs: ReadonlyArray<number>): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sum / sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Runs `op` `warmup` times untimed (JIT, caches), then `n` times one after another. */
export async function timeSequential(
  n: number,
  warmup: number,
  op: () => Promise<unknown>,
): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i++) await op();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/**
 * Times `a` then `b`, `n` times over, so both figures see the same conditions (other load on
 * the machine, CPU frequency); a ratio of the two is then meaningful on a busy machine.
 */
export async function timeAlternating(
  n: number,
  warmup: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<readonly [LatencySummary, LatencySummary]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let i = 0; i < n; i++) {
    let t0 = performance.now();
    await a();
    samplesA.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    samplesB.push(performance.now() - t0);
  }
  return [summarize(samplesA), summarize(samplesB)];
}

export interface LoadSummary {
  readonly completed: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
}

/** `clients` loops call `op` back to back until `durationMs` has passed. */
export async function runLoad(
  clients: number,
  durationMs: number,
  op: () => Promise<unknown>,
): Promise<LoadSummary> {
  const samples: number[] = [];
  const start = performance.now();
  const deadline = start + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await op();
      samples.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsedMs = performance.now() - start;
  return {
    completed: samples.length,
    elapsedMs,
    perSecond: (samples.length * 1000) / elapsedMs,
    latency: summarize(samples),
  };
}
