import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { digestFile } from '../../common/file-digest.js';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What Glance records about image data: size, md5 `checksum` and the sha512 multihash. */
export interface StoredData {
  readonly size: number;
  readonly checksum: string;
  readonly osHashAlgo: 'sha512';
  readonly osHashValue: string;
}

/** Thrown while streaming when the data would pass `maxBytes` (the caller's quota). */
export class DataLimitExceeded extends Error {
  constructor(
    readonly written: number,
    readonly maxBytes: number,
  ) {
    super(`image data exceeds ${maxBytes} bytes`);
  }
}

/** A file on this host, copied in by the kernel (in-process callers: `strata up`'s test images). */
export interface LocalFile {
  readonly localPath: string;
}

export type ImageData = NodeJS.ReadableStream | Buffer | LocalFile;
export type Area = 'store' | 'staging';

const uuidShape = /^[0-9a-fA-F-]{36}$/;

/**
 * Image data on this host: `<root>/<id>` for active images, `<root>/staging/<id>` for
 * data staged by the import flow. Writes stream through the hashes into a `.part` file
 * that is synced and renamed into place, so a reader never sees half an image and
 * memory use does not grow with the image.
 */
export class ImageFileStore {
  constructor(readonly root: string) {}

  path(id: string, area: Area = 'store'): string {
    if (!uuidShape.test(id)) throw new Error(`not an image id: ${id}`);
    return area === 'store' ? join(this.root, id) : join(this.root, 'staging', id);
  }

  /**
   * Streams `data` into the area and returns its size and hashes. On any failure
   * (source error, limit, disk) the partial file is removed and nothing is left behind.
   */
  async write(id: string, data: ImageData, area: Area, maxBytes = -1): Promise<StoredData> {
    const target = this.path(id, area);
    const part = `${target}.${randomBytes(6).toString('hex')}.part`;
    await mkdir(join(target, '..'), { recursive: true });
    try {
      const stored = isLocalFile(data)
        ? await copyLocal(data.localPath, part, maxBytes)
        : await streamIn(data, part, maxBytes);
      const fh = await open(part, 'r');
      await fh.sync().finally(() => fh.close());
      await rename(part, target);
      return stored;
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
  }

  /** Hashes a file already in an area (the import task re-reads what was staged). */
  hash(id: string, area: Area): Promise<StoredData> {
    return hashFile(this.path(id, area));
  }

  /** Moves staged data into the store; idempotent when it already moved. */
  async promote(id: string): Promise<void> {
    if (await this.exists(id, 'staging')) await rename(this.path(id, 'staging'), this.path(id));
  }

  async exists(id: string, area: Area = 'store'): Promise<boolean> {
    return stat(this.path(id, area)).then(
      () => true,
      () => false,
    );
  }

  open(id: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.path(id), range);
  }

  /**
   * Removes what a killed process left behind: `.part` files cut off mid-write, and the data
   * of images whose row was marked deleted just before the kill. `live` answers which of
   * the given ids are images that still exist. Called before the service takes requests,
   * when no write of this process can be under way; returns how many files went.
   */
  async removeLeftovers(live: (ids: string[]) => Promise<ReadonlySet<string>>): Promise<number> {
    let removed = 0;
    for (const dir of [this.root, join(this.root, 'staging')]) {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      const names = entries.filter((e) => e.isFile()).map((e) => e.name);
      const ids = names.filter((n) => uuidShape.test(n));
      const kept = ids.length > 0 ? await live(ids) : new Set<string>();
      for (const name of names) {
        if (!name.endsWith('.part') && !(uuidShape.test(name) && !kept.has(name))) continue;
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Removes the image's data in both areas; missing files are fine. */
  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
    await rm(this.path(id, 'staging'), { force: true });
  }
}

function isLocalFile(data: ImageData): data is LocalFile {
  return typeof (data as Partial<LocalFile>).localPath === 'string';
}

async function streamIn(data: NodeJS.ReadableStream | Buffer, part: string, maxBytes: number) {
  const hasher = new HashingCounter(maxBytes);
  const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
  await pipeline(source, hasher, createWriteStream(part, { flags: 'wx' }));
  return hasher.result();
}

async function copyLocal(path: string, part: string, maxBytes: number): Promise<StoredData> {
  const { size } = await stat(path);
  if (maxBytes >= 0 && size > maxBytes) throw new DataLimitExceeded(size, maxBytes);
  await copyFile(path, part, constants.COPYFILE_EXCL);
  return hashFile(part);
}

async function hashFile(path: string): Promise<StoredData> {
  const { size, digests } = await digestFile(path, ['md5', 'sha512']);
  return { size, checksum: digests.md5, osHashAlgo: 'sha512', osHashValue: digests.sha512 };
}

/** Passes bytes through while counting them and feeding md5 and sha512. */
class HashingCounter extends Transform {
  readonly #md5 = createHash('md5');
  readonly #sha512 = createHash('sha512');
  #size = 0;

  constructor(readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#size += chunk.length;
    if (this.maxBytes >= 0 && this.#size > this.maxBytes) {
      done(new DataLimitExceeded(this.#size, this.maxBytes));
      return;
    }
    this.#md5.update(chunk);
    this.#sha512.update(chunk);
    done(null, chunk);
  }

  result(): StoredData {
    return {
      size: this.#size,
      checksum: this.#md5.digest('hex'),
      osHashAlgo: 'sha512',
      osHashValue: this.#sha512.digest('hex'),
    };
  }
}
