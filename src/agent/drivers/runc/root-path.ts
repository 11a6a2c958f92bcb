import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';

const maxSymlinks = 40;

/**
 * Resolves `path` (as seen from inside the image) to a host path under `root`, following
 * symlinks as if `root` were `/`, so that no layer entry or link can reach outside the
 * root (`..` stops at the root, absolute link targets restart from it). The last component
 * is followed only when `followLast`.
 */
export async function resolveInRoot(root: string, path: string, followLast = false): Promise<string> {
  let pending = splitPath(path);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (name === '..') {
      done.pop();
      continue;
    }
    const candidate = [...done, name];
    const target = rest.length > 0 || followLast ? await linkTarget(hostPath(root, candidate)) : undefined;
    if (target === undefined) {
      done.push(name);
      continue;
    }
    if (++links > maxSymlinks) throw new Error(`too many symlinks resolving ${path} in the image`);
    if (target.startsWith('/')) done.length = 0;
    pending = [...splitPath(target), ...pending];
  }
  return hostPath(root, done);
}

/** The path inside the image, normalized: no leading `/` or `./`, no empty or `.` parts. */
export function cleanImagePath(path: string): string {
  return splitPath(posix.normalize(`/${path}`)).join('/');
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '' && s !== '.');
}

function hostPath(root: string, parts: ReadonlyArray<string>): string {
  return parts.length === 0 ? root : `${root}/${parts.join('/')}`;
}

async function linkTarget(p: string): Promise<string | undefined> {
  try {
    const st = await lstat(p);
    return st.isSymbolicLink() ? await readlink(p) : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw err;
  }
}
