import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { imageCacheGuard } from '../image-cache-guard.js';
import { applyLayer } from './layer-unpack.js';
import type { ImageRunConfig } from './oci-image.js';
import { ImageArchiveError, openImageArchive } from './oci-image.js';

/** An image's layers unpacked once, shared read-only by every workload of that image. */
export interface CachedRootfs {
  /** `<image id>@<config digest hex>`: the directory name under the cache. */
  readonly key: string;
  /** The unpacked filesystem (overlay lower dir, or the source of a copy). */
  readonly rootfs: string;
  readonly run: ImageRunConfig;
  /** The image config document, for snapshots. */
  readonly configJson: Readonly<Record<string, unknown>>;
}

/** A cache entry a create holds against eviction until its workload record is written. */
export interface HeldRootfs extends CachedRootfs {
  release(): void;
}

/** A complete entry as the cache manager sees it. */
export interface RootfsCacheEntry {
  readonly key: string;
  readonly dir: string;
  readonly imageId: string;
  readonly mtimeMs: number;
}

export interface ImageSource {
  readonly id: string;
  readonly path: string;
}

const staleTempMs = 60 * 60 * 1000;

/**
 * Unpacked image root filesystems under `<cacheDir>/runc-rootfs/<key>/`. An entry is built
 * in a temp dir and renamed into place, so a visible entry is always complete; concurrent
 * creates of one image in this process share one unpack, and across processes the first
 * rename wins.
 */
export class RootfsCache {
  readonly #dir: string;
  readonly #inflight = new Map<string, Promise<CachedRootfs>>();

  constructor(cacheDir: string) {
    this.#dir = join(cacheDir, 'runc-rootfs');
  }

  /** The cached rootfs of `image`, unpacking it first when needed. Throws ImageArchiveError on bad data. */
  async ensure(image: ImageSource, signal?: AbortSignal): Promise<CachedRootfs> {
    const { release, ...entry } = await this.hold(image, signal);
    release();
    return entry;
  }

  /**
   * Like `ensure`, but the entry cannot be evicted until `release` is called: a create
   * holds it until the workload that uses it is recorded. The hold is taken before the
   * entry is looked up, so an eviction either finished before (and it is unpacked again)
   * or cannot start.
   */
  async hold(image: ImageSource, signal?: AbortSignal): Promise<HeldRootfs> {
    await mkdir(this.#dir, { recursive: true });
    return withPlainTar(image.path, this.#dir, async (tarPath) => {
      const archive = await openImageArchive(tarPath);
      const key = `${safeName(image.id)}@${archive.configDigest.replace(/^sha256:/, '')}`;
      const release = await imageCacheGuard.hold(join(this.#dir, key));
      try {
        const found = (await this.#load(key)) ?? (await this.#unpackOnce(key, image.id, archive, signal));
        return { ...found, release };
      } catch (err) {
        release();
        throw err;
      }
    });
  }

  /** Concurrent creates of one image in this process share one unpack. */
  #unpackOnce(
    key: string,
    imageId: string,
    archive: Awaited<ReturnType<typeof openImageArchive>>,
    signal?: AbortSignal,
  ): Promise<CachedRootfs> {
    let p = this.#inflight.get(key);
    if (p === undefined) {
      p = this.#unpack(key, imageId, archive, signal).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, p);
    }
    return p;
  }

  /** Complete entries (temp dirs of unpacks under way are not entries). */
  async entries(): Promise<RootfsCacheEntry[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const found = await Promise.all(names.filter((n) => !n.startsWith('.')).map((n) => this.#entry(n)));
    return found.filter((e): e is RootfsCacheEntry => e !== undefined);
  }

  /** Marks the entry used now (its directory's mtime), so its unused age starts later. */
  async touch(key: string): Promise<void> {
    const now = new Date();
    await utimes(join(this.#dir, key), now, now).catch(() => undefined);
  }

  /**
   * Removes the entry unless held or `inUse` says a workload needs it. It is renamed away
   * first, so a create never finds half of it.
   */
  async remove(key: string, inUse: (rootfs: string) => Promise<boolean>): Promise<boolean> {
    if (key.startsWith('.') || key.includes('/')) return false;
    if ((await this.#entry(key)) === undefined) return false;
    const dir = join(this.#dir, key);
    return imageCacheGuard.evict(
      dir,
      () => inUse(join(dir, 'rootfs')),
      async () => {
        const doomed = join(this.#dir, `.tmp-evicted-${randomUUID()}`);
        await rename(dir, doomed);
        await rm(doomed, { recursive: true, force: true });
      },
    );
  }

  /** The directory of an entry, by key. */
  dirOf(key: string): string {
    return join(this.#dir, key);
  }

  async #entry(key: string): Promise<RootfsCacheEntry | undefined> {
    const dir = join(this.#dir, key);
    const meta = await readFile(join(dir, 'image.json'), 'utf8').catch(() => undefined);
    const st = await stat(dir).catch(() => undefined);
    if (meta === undefined || st === undefined) return undefined;
    const { imageId } = JSON.parse(meta) as { imageId?: string };
    // Entries written before the id was recorded: the key starts with it (ids are UUIDs).
    return { key, dir, imageId: imageId ?? key.slice(0, key.lastIndexOf('@')), mtimeMs: st.mtimeMs };
  }

  /** A previously unpacked entry, by key (for workloads after an agent restart). */
  async get(key: string): Promise<CachedRootfs | undefined> {
    return this.#load(key);
  }

  async #load(key: string): Promise<CachedRootfs | undefined> {
    const dir = join(this.#dir, key);
    const meta = await readFile(join(dir, 'image.json'), 'utf8').catch(() => undefined);
    if (meta === undefined) return undefined;
    const { run, configJson } = JSON.parse(meta) as Pick<CachedRootfs, 'run' | 'configJson'>;
    return { key, rootfs: join(dir, 'rootfs'), run, configJson };
  }

  async #unpack(
    key: string,
    imageId: string,
    archive: Awaited<ReturnType<typeof openImageArchive>>,
    signal?: AbortSignal,
  ): Promise<CachedRootfs> {
    await this.#removeStaleTemps();
    const tmp = join(this.#dir, `.tmp-${randomUUID()}`);
    try {
      await mkdir(join(tmp, 'rootfs'), { recursive: true, mode: 0o755 });
      for (const [i, layer] of archive.layers.entries()) {
        signal?.throwIfAborted();
        await applyLayer(join(tmp, 'rootfs'), archive.openLayer(layer), layer).catch((err: Error) => {
          throw new ImageArchiveError(`layer ${i + 1} of ${archive.layers.length}: ${err.message}`, {
            cause: err,
          });
        });
      }
      const meta = { imageId, run: archive.run, configJson: archive.configJson };
      await writeFile(join(tmp, 'image.json'), JSON.stringify(meta));
      await rename(tmp, join(this.#dir, key)).catch(async (err: NodeJS.ErrnoException) => {
        // Another process finished the same image first: use its copy.
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const done = await this.#load(key);
    if (done === undefined) throw new Error(`rootfs cache entry ${key} vanished after unpacking`);
    return done;
  }

  /** Temp dirs left by a crash in the middle of an unpack. */
  async #removeStaleTemps(): Promise<void> {
    for (const name of await readdir(this.#dir)) {
      if (!name.startsWith('.tmp-')) continue;
      const st = await stat(join(this.#dir, name)).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > staleTempMs)
        await rm(join(this.#dir, name), { recursive: true, force: true });
    }
  }
}

/** Image ids become directory names: anything unusual is replaced by its hash. */
function safeName(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)
    ? id
    : createHash('sha256').update(id).digest('hex').slice(0, 32);
}

/** Runs `fn` on an uncompressed tarball: a gzip-compressed one is inflated to a temp file first. */
async function withPlainTar<T>(
  path: string,
  tmpDir: string,
  fn: (tarPath: string) => Promise<T>,
): Promise<T> {
  const magic = Buffer.alloc(2);
  const fh = await open(path, 'r').catch((err: Error) => {
    throw new ImageArchiveError(`cannot open the image data: ${err.message}`, { cause: err });
  });
  await fh.read(magic, 0, 2, 0).finally(() => fh.close());
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return fn(path);
  const tmp = join(tmpDir, `.tmp-${randomUUID()}.tar`);
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(tmp)).catch((err: Error) => {
      throw new ImageArchiveError(`the gzip-compressed image is corrupt: ${err.message}`, { cause: err });
    });
    return await fn(tmp);
  } finally {
    await rm(tmp, { force: true });
  }
}
