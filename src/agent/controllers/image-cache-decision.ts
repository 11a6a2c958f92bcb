import type { ImageCacheEntry } from '../drivers/driver.js';

/** What one pass does with one cache entry, and why (for the log). */
export type ImageCacheVerdict =
  | { readonly key: string; readonly action: 'touch'; readonly reason: 'in use' }
  | { readonly key: string; readonly action: 'keep'; readonly reason: 'recently used' }
  | {
      readonly key: string;
      readonly action: 'remove';
      readonly reason: 'image deleted' | 'unused too long';
    };

/**
 * Nova's image cache manager rules: an entry in use is kept and touched (its unused age
 * then starts when its last workload goes); an unused entry of an image that no longer
 * exists goes at once (its data must not outlive the image); an unused entry of a live
 * image goes once unused for `maxUnusedMs` (remove_unused_original_minimum_age_seconds).
 */
export function decideImageCache(
  entries: ReadonlyArray<ImageCacheEntry>,
  liveImageIds: ReadonlySet<string>,
  nowMs: number,
  maxUnusedMs: number,
): ImageCacheVerdict[] {
  return entries.map((e): ImageCacheVerdict => {
    if (e.inUse) return { key: e.key, action: 'touch', reason: 'in use' };
    if (!liveImageIds.has(e.imageId)) return { key: e.key, action: 'remove', reason: 'image deleted' };
    if (nowMs - e.lastUsedMs >= maxUnusedMs)
      return { key: e.key, action: 'remove', reason: 'unused too long' };
    return { key: e.key, action: 'keep', reason: 'recently used' };
  });
}
