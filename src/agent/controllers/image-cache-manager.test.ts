import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ImageCacheEntry, ImageCacheSupport } from '../drivers/driver.js';
import type { ImageControlPlane } from '../transport/control-plane.js';
import { combinedImageCache, runImageCachePass } from './image-cache-manager.js';

const hour = 3600_000;
const now = 1000 * hour;

/** A cache that is a list of entries; removal re-checks use as the drivers' do. */
class ListCache implements ImageCacheSupport {
  entries: ImageCacheEntry[] = [];
  readonly touched: string[] = [];
  readonly failRemove = new Set<string>();
  /** Entries a workload took after the listing (the driver's own re-check sees it). */
  readonly takenMeanwhile = new Set<string>();

  async listImageCache() {
    return this.entries;
  }
  async touchImageCache(key: string) {
    this.touched.push(key);
  }
  async removeImageCache(key: string) {
    if (this.failRemove.has(key)) throw new Error('EBUSY');
    if (this.takenMeanwhile.has(key)) return false;
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.key !== key);
    return this.entries.length < before;
  }
}

function setup(live: ReadonlyArray<string> | Error) {
  const driver = new ListCache();
  const asked: string[][] = [];
  const images: ImageControlPlane = {
    liveImages: async (ids) => {
      asked.push([...ids]);
      if (live instanceof Error) throw live;
      return ids.filter((id) => live.includes(id));
    },
  };
  const deps = {
    hostname: 'h1',
    cache: driver,
    images,
    log: pino({ level: 'silent' }),
    maxUnusedMs: 24 * hour,
    now: () => now,
  };
  return { driver, asked, deps };
}

const entry = (key: string, imageId: string, over: Partial<ImageCacheEntry> = {}): ImageCacheEntry => ({
  key,
  imageId,
  inUse: false,
  lastUsedMs: now - hour,
  ...over,
});

describe('image-cache-manager', () => {
  it('removes unused entries of deleted images and stale ones, touches those in use, keeps the rest', async () => {
    const { driver, asked, deps } = setup(['live', 'stale']);
    driver.entries = [
      entry('/c/gone', 'deleted'),
      entry('/c/used', 'deleted', { inUse: true }),
      entry('/c/fresh', 'live'),
      entry('/c/stale', 'stale', { lastUsedMs: now - 25 * hour }),
    ];
    const pass = await runImageCachePass(deps);
    expect(pass.removed).toEqual(['/c/gone', '/c/stale']);
    expect(driver.entries.map((e) => e.key)).toEqual(['/c/used', '/c/fresh']);
    expect(driver.touched).toEqual(['/c/used']);
    // One question per image, not per entry.
    expect(asked).toEqual([['deleted', 'live', 'stale']]);
  });

  it('removes nothing when the control plane cannot say which images exist', async () => {
    const { driver, deps } = setup(new Error('control plane unreachable'));
    driver.entries = [entry('/c/gone', 'deleted')];
    await expect(runImageCachePass(deps)).rejects.toThrow('unreachable');
    expect(driver.entries).toHaveLength(1);
  });

  it('keeps an entry a workload took after the listing (the driver re-checks)', async () => {
    const { driver, deps } = setup([]);
    driver.entries = [entry('/c/a', 'deleted'), entry('/c/b', 'deleted')];
    driver.takenMeanwhile.add('/c/a');
    const pass = await runImageCachePass(deps);
    expect(pass).toEqual({ removed: ['/c/b'], kept: ['/c/a'] });
  });

  it('goes on past an entry that fails to go, which the next pass retries', async () => {
    const { driver, deps } = setup([]);
    driver.entries = [entry('/c/a', 'deleted'), entry('/c/b', 'deleted')];
    driver.failRemove.add('/c/a');
    expect((await runImageCachePass(deps)).removed).toEqual(['/c/b']);
    driver.failRemove.clear();
    expect((await runImageCachePass(deps)).removed).toEqual(['/c/a']);
  });

  it('asks nothing when the cache is empty', async () => {
    const { asked, deps } = setup([]);
    expect(await runImageCachePass(deps)).toEqual({ removed: [], kept: [] });
    expect(asked).toEqual([]);
  });

  it('runs over several caches as one, each removing only its own entries', async () => {
    const { driver, deps } = setup(['live']);
    const downloads = new ListCache();
    driver.entries = [entry('/driver/a', 'deleted'), entry('/driver/b', 'live', { inUse: true })];
    downloads.entries = [entry('/downloads/deleted', 'deleted'), entry('/downloads/live', 'live')];
    const pass = await runImageCachePass({ ...deps, cache: combinedImageCache([driver, downloads]) });
    expect(pass.removed).toEqual(['/driver/a', '/downloads/deleted']);
    expect(driver.entries.map((e) => e.key)).toEqual(['/driver/b']);
    expect(downloads.entries.map((e) => e.key)).toEqual(['/downloads/live']);
    expect([...driver.touched, ...downloads.touched]).toEqual(['/driver/b', '/driver/b']);
  });
});
