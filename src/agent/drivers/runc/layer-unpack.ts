import { createHash } from 'node:crypto';
import {
  chmod,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  readdir,
  rm,
  symlink,
  utimes,
} from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { runCommand } from '../../host/command.js';
import type { TarEntryHeader } from './tar-format.js';
import type { TarEntry } from './tar-reader.js';
import { readTar } from './tar-reader.js';
import { cleanImagePath, resolveInRoot } from './root-path.js';

/** What a layer entry means for the filesystem below it (the OCI whiteout convention). */
export type Whiteout =
  { readonly kind: 'remove'; readonly path: string } | { readonly kind: 'opaque'; readonly dir: string };

const whPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

/** `a/.wh.b` removes `a/b` from lower layers; `a/.wh..wh..opq` hides everything lower in `a`. */
export function whiteoutOf(path: string): Whiteout | undefined {
  const clean = cleanImagePath(path);
  const slash = clean.lastIndexOf('/');
  const dir = slash < 0 ? '' : clean.slice(0, slash);
  const base = clean.slice(slash + 1);
  if (base === opaqueMarker) return { kind: 'opaque', dir };
  if (!base.startsWith(whPrefix)) return undefined;
  const name = base.slice(whPrefix.length);
  return { kind: 'remove', path: dir === '' ? name : `${dir}/${name}` };
}

export interface LayerDigests {
  /** sha256 of the stored blob, checked when known. */
  readonly blobDigest?: string;
  /** sha256 of the uncompressed tar, checked when known. */
  readonly diffId?: string;
}

/**
 * Applies one layer blob (tar, or gzip-compressed tar) onto `root`: whiteouts remove what
 * lower layers put there, entries land inside `root` only, owners and modes are kept.
 * Throws when the blob is corrupt or does not match its digests.
 */
export async function applyLayer(root: string, blob: Readable, digests: LayerDigests): Promise<void> {
  const blobHash = createHash('sha256');
  const tarHash = createHash('sha256');
  const head = await firstBytes(blob);
  if (isZstd(head.peek)) {
    blob.destroy();
    throw new Error('zstd-compressed layers are not supported');
  }
  const sink = async (source: AsyncIterable<Buffer>) => {
    const it = hashing(source, tarHash);
    // readTar gets a view without return(), so the rest can be drained for the digest.
    await unpackEntries(root, readTar({ [Symbol.asyncIterator]: () => ({ next: () => it.next() }) }));
    for (let n = await it.next(); !n.done; n = await it.next());
  };
  const source = hashing(head, blobHash);
  if (isGzip(head.peek)) await pipeline(source, createGunzip(), sink);
  else await pipeline(source, sink);
  check('layer blob', digests.blobDigest, blobHash);
  check('uncompressed layer', digests.diffId, tarHash);
}

async function unpackEntries(root: string, entries: AsyncIterable<TarEntry>): Promise<void> {
  const created = new Set<string>();
  const dirTimes: Array<[string, number]> = [];
  for await (const entry of entries) {
    const wh = whiteoutOf(entry.header.path);
    if (wh?.kind === 'remove') await rm(await resolveInRoot(root, wh.path), { recursive: true, force: true });
    else if (wh?.kind === 'opaque') await clearLower(await resolveInRoot(root, wh.dir, true), created);
    else {
      const path = cleanImagePath(entry.header.path);
      if (path === '') continue; // the root itself
      const target = await writeEntry(root, path, entry);
      created.add(target);
      if (entry.header.type === 'directory') dirTimes.push([target, entry.header.mtime]);
    }
  }
  // Directory times last: writing their children changed them.
  for (const [dir, mtime] of dirTimes.reverse())
    // A later entry may have replaced the directory with a symlink, which utimes would follow.
    if ((await lstat(dir).catch(() => undefined))?.isDirectory()) await utimes(dir, mtime, mtime);
}

/** Removes what lower layers put in `dir`, keeping what this layer already wrote. */
async function clearLower(dir: string, created: ReadonlySet<string>): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names)
    if (!created.has(`${dir}/${name}`)) await rm(`${dir}/${name}`, { recursive: true, force: true });
}

async function writeEntry(root: string, path: string, entry: TarEntry): Promise<string> {
  const h = entry.header;
  const parent = await resolveInRoot(root, dirname(path) === '.' ? '' : dirname(path), true);
  await mkdir(parent, { recursive: true });
  const target = `${parent}/${path.slice(path.lastIndexOf('/') + 1)}`;
  await makeRoom(target, h.type === 'directory');
  switch (h.type) {
    case 'directory':
      await mkdir(target, { recursive: true });
      break;
    case 'file':
      await writeFile(target, entry.body());
      break;
    case 'symlink':
      await symlink(h.linkname, target);
      break;
    case 'hardlink':
      // The link shares its target's inode and metadata; chmod here could follow a linked symlink out of the root.
      await link(await resolveInRoot(root, cleanImagePath(h.linkname)), target);
      return target;
    case 'fifo':
      await runCommand('mkfifo', [target]);
      break;
    default:
      // Device nodes: the runtime gives containers their own /dev, and mknod needs a tool per node.
      return target;
  }
  await setMetadata(target, h);
  return target;
}

/** Clears whatever a lower layer has at `target`, except a directory that stays a directory. */
async function makeRoom(target: string, isDir: boolean): Promise<void> {
  const st = await lstat(target).catch(() => undefined);
  if (st === undefined || (isDir && st.isDirectory())) return;
  await rm(target, { recursive: true, force: true });
}

async function writeFile(target: string, body: AsyncIterable<Buffer>): Promise<void> {
  const fh = await open(target, 'wx', 0o600);
  try {
    for await (const chunk of body) await fh.write(chunk);
  } finally {
    await fh.close();
  }
}

async function setMetadata(target: string, h: TarEntryHeader): Promise<void> {
  if (process.getuid?.() === 0) await lchown(target, h.uid, h.gid);
  if (h.type === 'symlink') return lutimes(target, h.mtime, h.mtime);
  // chmod after chown: chown clears the set-id bits.
  await chmod(target, h.mode);
  if (h.type !== 'directory') await utimes(target, h.mtime, h.mtime);
}

function check(what: string, expected: string | undefined, hash: ReturnType<typeof createHash>): void {
  const actual = `sha256:${hash.digest('hex')}`;
  if (expected !== undefined && expected !== actual)
    throw new Error(`${what} digest mismatch: expected ${expected}, got ${actual} (corrupt image)`);
}

async function* hashing(
  source: AsyncIterable<Buffer>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

/** The stream with its first bytes available for sniffing the compression. */
async function firstBytes(s: Readable): Promise<AsyncIterable<Buffer> & { peek: Buffer }> {
  const it = (s as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await it.next();
  const peek = first.done ? Buffer.alloc(0) : first.value;
  return {
    peek,
    async *[Symbol.asyncIterator]() {
      try {
        if (!first.done) yield first.value;
        for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
      } finally {
        s.destroy();
      }
    },
  };
}

function isGzip(b: Buffer): boolean {
  return b[0] === 0x1f && b[1] === 0x8b;
}

function isZstd(b: Buffer): boolean {
  return b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
}
