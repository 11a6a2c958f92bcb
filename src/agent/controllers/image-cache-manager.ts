import type { Logger } from 'pino';
import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { ImageCacheEntry, ImageCacheSupport } from '../drivers/driver.js';
import type { ImageControlPlane } from '../transport/control-plane.js';
import { decideImageCache } from './image-cache-decision.js';

/** Nova's image_cache_manager_interval is 40 min; a deleted image's data should go sooner. */
export const defaultImageCacheIntervalMs = 10 * 60_000;
/** Nova's remove_unused_original_minimum_age_seconds (24 h). */
export const defaultImageCacheMaxUnusedMs = 24 * 3600_000;

export interface ImageCacheManagerDeps {
  readonly hostname: string;
  /** The host's caches as one (the driver's, and a remote agent's downloads: see combinedImageCache). */
  readonly cache: ImageCacheSupport;
  readonly images: ImageControlPlane;
  readonly log: Logger;
  readonly maxUnusedMs: number;
  readonly now?: () => number;
}

/** What one pass did (tests and the log read it). */
export interface ImageCachePass {
  readonly removed: ReadonlyArray<string>;
  readonly kept: ReadonlyArray<string>;
}

/**
 * Nova's image cache manager as a reconciler of one key (the host), resynced every
 * interval: list the driver's cache (each entry knows whether a workload uses it), ask
 * the control plane which of their images still exist, then touch, keep or remove each
 * (decideImageCache). The driver re-checks use under its cache guard before removing, so a
 * create that takes an entry meanwhile keeps it. If the control plane cannot answer, the
 * pass fails and nothing is removed.
 */
export function imageCacheManager(d: ImageCacheManagerDeps): Reconciler {
  return {
    name: `image-cache@${d.hostname}`,
    listKeys: async () => [d.hostname],
    async reconcile(): Promise<ReconcileResult> {
      await runImageCachePass(d);
      return {};
    },
  };
}

export async function runImageCachePass(d: ImageCacheManagerDeps): Promise<ImageCachePass> {
  const entries = await d.cache.listImageCache();
  if (entries.length === 0) return { removed: [], kept: [] };
  const live = new Set(await d.images.liveImages([...new Set(entries.map((e) => e.imageId))]));
  const removed: string[] = [];
  const kept: string[] = [];
  for (const v of decideImageCache(entries, live, (d.now ?? Date.now)(), d.maxUnusedMs)) {
    if (v.action === 'touch') await d.cache.touchImageCache(v.key);
    if (v.action === 'remove' && (await removeEntry(d, v.key, v.reason))) removed.push(v.key);
    else kept.push(v.key);
  }
  return { removed, kept };
}

/** One entry's removal; a failure is logged and the pass goes on (the next one retries it). */
async function removeEntry(d: ImageCacheManagerDeps, key: string, reason: string): Promise<boolean> {
  const log = { host: d.hostname, entry: key, reason };
  try {
    const removed = await d.cache.removeImageCache(key);
    if (removed) d.log.info(log, 'removed an image cache entry');
    return removed;
  } catch (err) {
    d.log.warn({ ...log, err }, 'could not remove an image cache entry');
    return false;
  }
}

/** Several caches as one; keys are absolute paths, so each cache ignores the others'. */
export function combinedImageCache(caches: ReadonlyArray<ImageCacheSupport>): ImageCacheSupport {
  return {
    async listImageCache(): Promise<ReadonlyArray<ImageCacheEntry>> {
      return (await Promise.all(caches.map((c) => c.listImageCache()))).flat();
    },
    async touchImageCache(key) {
      for (const c of caches) await c.touchImageCache(key);
    },
    async removeImageCache(key) {
      let removed = false;
      for (const c of caches) removed = (await c.removeImageCache(key)) || removed;
      return removed;
    },
  };
}
