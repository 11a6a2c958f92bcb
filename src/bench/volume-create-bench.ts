import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import { withBenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { fullImage, gibFor, volumeClient } from './volume-bench-setup.js';

const name = 'volume-create';

/**
 * `--volume-ops` empty 1 GiB volumes, then `--volume-ops` volumes from an image of
 * `--volume-image-mib` MiB, created one after another over the API: POST sent until GET
 * shows available. Each is deleted before the next, so the pool never grows.
 */
async function measure(opts: BenchOptions, progress: BenchProgress): Promise<BenchResult> {
  return withBenchCloud(4, async (c) => {
    const client = await volumeClient(c, opts.volumeOps * 2 + 4);
    const empty: number[] = [];
    for (let i = 0; i < opts.volumeOps; i++) {
      const v = await client.createAvailable({ size: 1, name: `bench-empty-${i}` });
      empty.push(v.ms);
      await client.remove(v.id);
    }
    progress(`${name}: writing a ${opts.volumeImageMib} MiB image`);
    const imageRef = await fullImage(c, client.projectId, opts.volumeImageMib);
    const fromImage: number[] = [];
    for (let i = 0; i < opts.volumeOps; i++) {
      progress(`${name}: volume from the image ${i + 1} of ${opts.volumeOps}`);
      const v = await client.createAvailable({ size: gibFor(opts.volumeImageMib), imageRef }, 50);
      fromImage.push(v.ms);
      await client.remove(v.id);
    }
    return { name, metrics: metrics(empty, fromImage, opts) };
  });
}

function metrics(empty: number[], fromImage: number[], opts: BenchOptions): BenchMetric[] {
  const e = summarize(empty);
  const f = summarize(fromImage);
  const n = `n=${opts.volumeOps}`;
  return [
    { name: `empty 1 GiB volume: POST to available p50 (${n})`, value: e.p50, unit: 'ms' },
    { name: `empty 1 GiB volume: max`, value: e.max, unit: 'ms' },
    {
      name: `from a ${opts.volumeImageMib} MiB raw image: POST to available p50 (${n})`,
      value: f.p50,
      unit: 'ms',
    },
    { name: `from the image: max`, value: f.max, unit: 'ms' },
  ];
}

export const volumeCreateBench: Benchmark = {
  name,
  description: 'Cinder volume create to available: empty, and from a 1 GiB image (file backend)',
  run: (opts, progress) => measure(opts, progress),
};
