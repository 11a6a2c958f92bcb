import { open, readdir, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ImageCacheEntry } from '../driver.js';
import { imageCacheGuard } from '../image-cache-guard.js';
import type { BaseImage } from './qemu-image.js';
import { basePathOf, prepareBaseImage } from './qemu-image.js';
import type { BaseDiskFormat } from './qemu-workload.js';
import { isSafeWorkloadId, readVmRecord, workloadPaths } from './qemu-workload.js';

/** `<image id>-<16 hex digest>.<format>`: a complete base (copies under way end in `.tmp-…`). */
const baseName = /^(.+)-[0-9a-f]{16}\.(qcow2|raw)$/;
const qcow2Magic = 0x514649fb;

/**
 * The base of `image`, prepared if needed and held against eviction until `release`: a
 * create holds it until the overlay on it exists (which marks it in use from then on).
 */
export async function holdBaseImage(
  cacheDir: string,
  image: { readonly id: string; readonly path: string; readonly diskFormat: BaseDiskFormat },
  signal?: AbortSignal,
): Promise<{ readonly base: BaseImage; release(): void }> {
  // Held before it is looked for: an eviction either finished first (it is copied again) or cannot start.
  const release = await imageCacheGuard.hold(await basePathOf(cacheDir, image));
  try {
    return { base: await prepareBaseImage(cacheDir, image, signal), release };
  } catch (err) {
    release();
    throw err;
  }
}

/** Every complete base under `cacheDir`, and whether an overlay or record under `stateDir` uses it. */
export async function listBaseImages(cacheDir: string, stateDir: string): Promise<ImageCacheEntry[]> {
  const dir = join(cacheDir, 'qemu-base');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => baseName.test(n));
  if (names.length === 0) return [];
  const used = await basesInUse(stateDir);
  const entries = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const st = await stat(path).catch(() => undefined);
      if (st === undefined) return undefined;
      // Ids are UUIDs, which the file name keeps as they are.
      const imageId = baseName.exec(name)![1]!;
      return { key: path, imageId, inUse: used.has(resolve(path)), lastUsedMs: st.mtimeMs };
    }),
  );
  return entries.filter((e): e is ImageCacheEntry => e !== undefined);
}

export async function touchBaseImage(cacheDir: string, path: string): Promise<void> {
  if (!isBasePath(cacheDir, path)) return;
  const now = new Date();
  await utimes(path, now, now).catch(() => undefined);
}

/** Deletes the base unless held or used (overlays and records are read again under the guard). */
export async function removeBaseImage(cacheDir: string, stateDir: string, path: string): Promise<boolean> {
  if (!isBasePath(cacheDir, path) || !(await stat(path).catch(() => undefined))) return false;
  return imageCacheGuard.evict(
    path,
    async () => (await basesInUse(stateDir)).has(resolve(path)),
    // One unlink: a create never sees half a base.
    () => rm(path, { force: true }),
  );
}

function isBasePath(cacheDir: string, path: string): boolean {
  return (
    dirname(path) === join(cacheDir, 'qemu-base') && baseName.test(path.slice(path.lastIndexOf('/') + 1))
  );
}

/**
 * Absolute paths of the bases this host's VMs need: the backing file of every qcow2 in a
 * workload directory (the overlay, one staged by a rebuild, one kept for a resize revert)
 * and the base each record names.
 */
export async function basesInUse(stateDir: string): Promise<Set<string>> {
  const used = new Set<string>();
  const ids = (await readdir(stateDir).catch(() => [] as string[])).filter(isSafeWorkloadId);
  for (const id of ids) {
    const p = workloadPaths(stateDir, id);
    for (const name of await readdir(p.dir).catch(() => [] as string[])) {
      const backing = await qcow2BackingFile(join(p.dir, name));
      if (backing !== undefined) used.add(resolve(p.dir, backing));
    }
    // An unreadable record throws: better no eviction this pass than one under a VM.
    for (const record of [p.record, p.keptRecord]) {
      const base = (await readVmRecord(record))?.image.basePath;
      if (base) used.add(resolve(base));
    }
  }
  return used;
}

/** The backing file named in a qcow2 header; undefined for other files and for qcow2 without one. */
export async function qcow2BackingFile(path: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile() || st.size < 20) return undefined;
  const fh = await open(path, 'r');
  try {
    const header = Buffer.alloc(20);
    await fh.read(header, 0, 20, 0);
    if (header.readUInt32BE(0) !== qcow2Magic) return undefined;
    const offset = Number(header.readBigUInt64BE(8));
    const size = header.readUInt32BE(16);
    // QEMU limits backing file names to 1023 bytes.
    if (offset === 0 || size === 0 || size > 1023) return undefined;
    const name = Buffer.alloc(size);
    await fh.read(name, 0, size, offset);
    return name.toString('utf8');
  } finally {
    await fh.close();
  }
}
