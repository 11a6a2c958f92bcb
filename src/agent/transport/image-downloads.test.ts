import { existsSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageDownloads } from './image-downloads.js';

describe('image-downloads', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-downloads-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists complete downloads by image id (never one under way), none in use', async () => {
    const d = new ImageDownloads(dir);
    writeFileSync(d.path('img-a'), 'data');
    writeFileSync(join(dir, 'img-b.123.456.part'), 'half');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(d.path('img-a'), old, old);
    const listed = await d.listImageCache();
    expect(listed).toEqual([
      { key: d.path('img-a'), imageId: 'img-a', inUse: false, lastUsedMs: expect.any(Number) },
    ]);
    // File times keep whole seconds or less precision than a Date on some filesystems.
    expect(Math.abs(listed[0]!.lastUsedMs - old.getTime())).toBeLessThan(1000);
    await d.touchImageCache(d.path('img-a'));
    expect(statSync(d.path('img-a')).mtimeMs).toBeGreaterThan(old.getTime() + 3000_000);
  });

  it('removes its own downloads only', async () => {
    const d = new ImageDownloads(dir);
    writeFileSync(d.path('img-a'), 'data');
    writeFileSync(join(dir, 'img-b.1.2.part'), 'half');
    expect(await d.removeImageCache(join(dir, 'img-b.1.2.part'))).toBe(false);
    expect(await d.removeImageCache('/etc/hostname')).toBe(false);
    expect(await d.removeImageCache(d.path('img-a'))).toBe(true);
    expect(existsSync(d.path('img-a'))).toBe(false);
    expect(existsSync(join(dir, 'img-b.1.2.part'))).toBe(true);
    expect(await d.removeImageCache(d.path('img-a'))).toBe(false);
  });

  it('has nothing to list before the first download', async () => {
    expect(await new ImageDownloads(join(dir, 'never-made')).listImageCache()).toEqual([]);
  });
});
