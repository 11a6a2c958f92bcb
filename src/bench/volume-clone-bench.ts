import type { BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import { withBenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { fullImage, gibFor, volumeClient } from './volume-bench-setup.js';

const name = 'volume-clone';

/**
 * A volume filled from an image of `--volume-image-mib` MiB (every byte written), then
 * `--volume-ops` clones of it (`source_volid`), one after another, each deleted after.
 */
async function measure(opts: BenchOptions, progress: BenchProgress): Promise<BenchResult> {
  return withBenchCloud(4, async (c) => {
    const client = await volumeClient(c, opts.volumeOps + 4);
    progress(`${name}: writing a ${opts.volumeImageMib} MiB image and a volume from it`);
    const imageRef = await fullImage(c, client.projectId, opts.volumeImageMib);
    const size = gibFor(opts.volumeImageMib);
    const source = await client.createAvailable({ size, imageRef }, 50);
    const clones: number[] = [];
    for (let i = 0; i < opts.volumeOps; i++) {
      progress(`${name}: clone ${i + 1} of ${opts.volumeOps}`);
      const v = await client.createAvailable({ size, source_volid: source.id }, 20);
      clones.push(v.ms);
      await client.remove(v.id);
    }
    const s = summarize(clones);
    const label = `clone of a ${size} GiB volume holding ${opts.volumeImageMib} MiB`;
    return {
      name,
      metrics: [
        { name: `${label}: POST to available p50 (n=${opts.volumeOps})`, value: s.p50, unit: 'ms' },
        { name: `clone max`, value: s.max, unit: 'ms' },
      ],
    };
  });
}

export const volumeCloneBench: Benchmark = {
  name,
  description: 'Cinder clone (source_volid) of a volume holding 1 GiB, to available (file backend)',
  run: (opts, progress) => measure(opts, progress),
};
