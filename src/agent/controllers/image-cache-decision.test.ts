import { describe, expect, it } from 'vitest';
import type { ImageCacheEntry } from '../drivers/driver.js';
import { decideImageCache } from './image-cache-decision.js';

const hour = 3600_000;
const now = 100 * hour;
const entry = (key: string, over: Partial<ImageCacheEntry> = {}): ImageCacheEntry => ({
  key,
  imageId: `img-${key}`,
  inUse: false,
  lastUsedMs: now - hour,
  ...over,
});

describe('image-cache-decision', () => {
  it('removes an unused entry of a deleted image at once, however recently used', () => {
    const v = decideImageCache([entry('a', { lastUsedMs: now })], new Set(), now, 24 * hour);
    expect(v).toEqual([{ key: 'a', action: 'remove', reason: 'image deleted' }]);
  });

  it('keeps and touches an entry in use, even of a deleted image and however old', () => {
    const old = entry('a', { inUse: true, lastUsedMs: 0 });
    expect(decideImageCache([old], new Set(), now, hour)).toEqual([
      { key: 'a', action: 'touch', reason: 'in use' },
    ]);
  });

  it('keeps an unused entry of a live image until it was unused for the minimum age', () => {
    const live = new Set(['img-young', 'img-old', 'img-edge']);
    const v = decideImageCache(
      [
        entry('young', { lastUsedMs: now - 23 * hour }),
        entry('old', { lastUsedMs: now - 25 * hour }),
        entry('edge', { lastUsedMs: now - 24 * hour }),
      ],
      live,
      now,
      24 * hour,
    );
    expect(v).toEqual([
      { key: 'young', action: 'keep', reason: 'recently used' },
      { key: 'old', action: 'remove', reason: 'unused too long' },
      { key: 'edge', action: 'remove', reason: 'unused too long' },
    ]);
  });

  it('decides each entry by its own image: two entries of one image may differ', () => {
    const v = decideImageCache(
      [entry('x1', { imageId: 'same', inUse: true }), entry('x2', { imageId: 'same' })],
      new Set(),
      now,
      24 * hour,
    );
    expect(v.map((x) => x.action)).toEqual(['touch', 'remove']);
  });
});
