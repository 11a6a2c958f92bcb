import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { digestFile } from '../../common/file-digest.js';
import { join } from 'node:path';

/** A short, stable key for a set of build inputs (versions, file contents, scripts). */
export function cacheKey(parts: ReadonlyArray<string | Buffer>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p) : p;
    // Length-prefixed so ['ab', 'c'] and ['a', 'bc'] differ.
    h.update(`${b.length}:`).update(b);
  }
  return h.digest('hex').slice(0, 24);
}

const building = new Map<string, Promise<string>>();

/**
 * Returns `<cacheDir>/<fileName>`, building it first when absent. The build writes into a
 * private temporary directory and the result is renamed into place, so concurrent
 * builders (in this process or another) never expose a half-written file.
 */
export function cachedFile(
  cacheDir: string,
  fileName: string,
  build: (outPath: string, workDir: string) => Promise<void>,
): Promise<string> {
  const target = join(cacheDir, fileName);
  const pending = building.get(target);
  if (pending) return pending;
  const p = buildOnce(cacheDir, target, fileName, build).finally(() => building.delete(target));
  building.set(target, p);
  return p;
}

async function buildOnce(
  cacheDir: string,
  target: string,
  fileName: string,
  build: (outPath: string, workDir: string) => Promise<void>,
): Promise<string> {
  if (await exists(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, `.build-${fileName}-`));
  try {
    const out = join(work, fileName);
    await build(out, work);
    await rename(out, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Hex digest of a file (images can be large: read through one reused buffer). */
export async function fileDigest(path: string, algorithm: 'md5' | 'sha256' = 'md5'): Promise<string> {
  return (await digestFile(path, [algorithm])).digests[algorithm];
}

/**
 * A cache-key part that names a build input by path, size and modification time, as make
 * does: reading a kernel and busybox on every start only to find the image cached would
 * leave their size in resident memory. A package upgrade changes the size or the time.
 */
export async function fileIdentity(path: string): Promise<string> {
  const s = await stat(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
