import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import {
  TarFormatError,
  blockSize,
  isZeroBlock,
  paddingOf,
  parseHeaderBlock,
  parsePax,
  withOverrides,
} from './tar-format.js';

export interface TarMember {
  readonly offset: number;
  readonly size: number;
}

/**
 * Random access to the regular files of an uncompressed tar archive on disk: one pass over
 * the headers (seeking past bodies), then members are read by offset. Image archives are
 * read this way because their manifest may come after the layers it names.
 */
export class TarIndex {
  private constructor(
    readonly path: string,
    readonly members: ReadonlyMap<string, TarMember>,
  ) {}

  static async open(path: string): Promise<TarIndex> {
    const fh = await open(path, 'r');
    try {
      return new TarIndex(path, await scan(fh));
    } finally {
      await fh.close();
    }
  }

  has(name: string): boolean {
    return this.members.has(normalizeMemberName(name));
  }

  /** A member's bytes (for small JSON documents). */
  async read(name: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const m = this.#member(name);
    if (m.size > maxBytes) throw new TarFormatError(`${name} is too large (${m.size} bytes)`);
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(m.size);
      const { bytesRead } = await fh.read(buf, 0, m.size, m.offset);
      if (bytesRead !== m.size) throw new TarFormatError(`${name} is truncated`);
      return buf;
    } finally {
      await fh.close();
    }
  }

  /** A member's bytes as a stream (for layers). */
  stream(name: string): Readable {
    const m = this.#member(name);
    if (m.size === 0) return Readable.from([]);
    return createReadStream(this.path, { start: m.offset, end: m.offset + m.size - 1 });
  }

  #member(name: string): TarMember {
    const m = this.members.get(normalizeMemberName(name));
    if (m === undefined) throw new TarFormatError(`the archive has no member ${name}`);
    return m;
  }
}

/** `./a//b` and `/a/b` name the same member as `a/b`. */
export function normalizeMemberName(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/$/, '');
}

async function scan(fh: FileHandle): Promise<Map<string, TarMember>> {
  const { size: fileSize } = await fh.stat();
  const members = new Map<string, TarMember>();
  const block = Buffer.alloc(blockSize);
  let pax = new Map<string, string>();
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(block, 0, blockSize, pos);
    if (bytesRead === 0 && members.size > 0) break;
    if (bytesRead < blockSize) throw new TarFormatError(`tar archive truncated at offset ${pos}`);
    if (isZeroBlock(block)) break;
    const raw = parseHeaderBlock(block, pos);
    const bodyAt = pos + blockSize;
    let size = raw.kind === 'entry' ? raw.header.size : raw.size;
    if (raw.kind === 'pax' || raw.kind === 'gnu-longname') {
      const body = Buffer.alloc(size);
      await fh.read(body, 0, size, bodyAt);
      pax = raw.kind === 'pax' ? new Map([...pax, ...parsePax(body)]) : pax.set('path', cString(body));
    } else if (raw.kind === 'entry') {
      const h = withOverrides(raw.header, pax);
      pax = new Map();
      size = h.size;
      if (bodyAt + h.size > fileSize)
        throw new TarFormatError(
          `tar archive truncated: ${h.path} needs ${h.size} bytes at offset ${bodyAt}`,
        );
      if (h.type === 'file') members.set(normalizeMemberName(h.path), { offset: bodyAt, size: h.size });
    }
    pos = bodyAt + size + paddingOf(size);
  }
  return members;
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end < 0 ? b.length : end);
}
