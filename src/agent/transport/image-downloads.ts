import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageCacheEntry, ImageCacheSupport } from '../drivers/driver.js';

/**
 * Image data a remote agent downloaded from the image service (`<dir>/<image id>`, written
 * as `.part` and renamed), as an image cache: the drivers read a download only while they
 * create or rebuild from it, so no entry is ever in use; each use touches it, and the
 * image cache manager ages it from there (a deleted image's data goes at once).
 */
export class ImageDownloads implements ImageCacheSupport {
  constructor(readonly dir: string) {}

  path(imageId: string): string {
    return join(this.dir, imageId);
  }

  async listImageCache(): Promise<ReadonlyArray<ImageCacheEntry>> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter(isComplete);
    const entries = await Promise.all(
      names.map(async (name) => {
        const st = await stat(join(this.dir, name)).catch(() => undefined);
        if (!st?.isFile()) return undefined;
        return { key: join(this.dir, name), imageId: name, inUse: false, lastUsedMs: st.mtimeMs };
      }),
    );
    return entries.filter((e): e is ImageCacheEntry => e !== undefined);
  }

  async touchImageCache(key: string): Promise<void> {
    if (!this.#owns(key)) return;
    const now = new Date();
    await utimes(key, now, now).catch(() => undefined);
  }

  async removeImageCache(key: string): Promise<boolean> {
    if (!this.#owns(key) || !(await stat(key).catch(() => undefined))) return false;
    await rm(key, { force: true });
    return true;
  }

  #owns(key: string): boolean {
    return dirname(key) === this.dir && isComplete(key.slice(this.dir.length + 1));
  }
}

/** Downloads under way end in `.part`. */
function isComplete(name: string): boolean {
  return name !== '' && !name.startsWith('.') && !name.endsWith('.part');
}
