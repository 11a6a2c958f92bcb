import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { TarEntryHeader, TarEntryType } from './tar-format.js';
import { encodeHeader, endOfArchive, paddingOf } from './tar-format.js';

export interface MemoryEntry {
  readonly header: TarEntryHeader;
  readonly body?: Buffer;
}

/** A header with the usual defaults (root-owned, epoch mtime) for building archives in memory. */
export function entryHeader(
  path: string,
  type: TarEntryType,
  extra: Partial<TarEntryHeader> = {},
): TarEntryHeader {
  return {
    path,
    type,
    mode: type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 0,
    linkname: '',
    devmajor: 0,
    devminor: 0,
    ...extra,
  };
}

/** One whole archive in memory, entries in the order given (callers sort for reproducibility). */
export function encodeArchive(entries: ReadonlyArray<MemoryEntry>): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const size = e.header.type === 'file' ? (e.body?.length ?? 0) : 0;
    parts.push(encodeHeader({ ...e.header, size }));
    if (size > 0) parts.push(e.body!, Buffer.alloc(paddingOf(size)));
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

/**
 * Streams a directory tree as a tar archive: sorted, numeric owners, hard links kept,
 * sockets skipped (they cannot be archived). Paths are relative, without a leading `./`.
 * `owner` turns host ids into the ones archived (a user namespace's view of them).
 */
export async function* tarTree(
  root: string,
  owner: (id: number) => number = (id) => id,
): AsyncGenerator<Buffer> {
  const seen = new Map<string, string>();
  for await (const [rel, st] of walk(root, '')) {
    const header = await headerFor(root, rel, st, seen, owner);
    if (header === undefined) continue;
    yield encodeHeader(header);
    if (header.type !== 'file' || header.size === 0) continue;
    let sent = 0;
    for await (const chunk of createReadStream(join(root, rel)) as AsyncIterable<Buffer>) {
      // A file that grows while we read must not overrun the size already written.
      const part = chunk.subarray(0, header.size - sent);
      sent += part.length;
      if (part.length > 0) yield part;
    }
    if (sent < header.size) yield Buffer.alloc(header.size - sent);
    yield Buffer.alloc(paddingOf(header.size));
  }
  yield endOfArchive();
}

async function* walk(root: string, rel: string): AsyncGenerator<[string, Stats]> {
  const names = (await readdir(join(root, rel))).sort();
  for (const name of names) {
    const child = rel === '' ? name : `${rel}/${name}`;
    const st = await lstat(join(root, child));
    yield [child, st];
    if (st.isDirectory()) yield* walk(root, child);
  }
}

async function headerFor(
  root: string,
  rel: string,
  st: Stats,
  seen: Map<string, string>,
  owner: (id: number) => number,
): Promise<TarEntryHeader | undefined> {
  const base = {
    mode: st.mode & 0o7777,
    uid: owner(st.uid),
    gid: owner(st.gid),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
  if (st.isDirectory()) return entryHeader(`${rel}/`, 'directory', base);
  if (st.isSymbolicLink())
    return entryHeader(rel, 'symlink', { ...base, linkname: await readlink(join(root, rel)) });
  if (st.isFIFO()) return entryHeader(rel, 'fifo', base);
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    // Linux dev_t: major in bits 8-19, minor in bits 0-7 and 20-31.
    const dev = {
      devmajor: Math.floor(st.rdev / 256) & 0xfff,
      devminor: (st.rdev & 0xff) | (Math.floor(st.rdev / 4096) & 0xfff00),
    };
    return entryHeader(rel, st.isCharacterDevice() ? 'char' : 'block', { ...base, ...dev });
  }
  if (!st.isFile()) return undefined;
  const inode = `${st.dev}:${st.ino}`;
  const first = st.nlink > 1 ? seen.get(inode) : undefined;
  if (first !== undefined) return entryHeader(rel, 'hardlink', { ...base, linkname: first });
  if (st.nlink > 1) seen.set(inode, rel);
  return entryHeader(rel, 'file', { ...base, size: st.size });
}
