import type { TarEntryHeader } from './tar-format.js';
import {
  TarFormatError,
  blockSize,
  isZeroBlock,
  paddingOf,
  parseHeaderBlock,
  parsePax,
  withOverrides,
} from './tar-format.js';

/** One entry of a streamed archive; read `body()` before asking for the next entry or it is skipped. */
export interface TarEntry {
  readonly header: TarEntryHeader;
  body(): AsyncIterable<Buffer>;
}

/** Pulls exact byte counts out of a chunked stream. */
class ByteReader {
  #pending: Buffer[] = [];
  #buffered = 0;
  #done = false;
  offset = 0;

  constructor(readonly source: AsyncIterator<Buffer | Uint8Array | string>) {}

  /** Exactly `n` bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    while (this.#buffered < n && (await this.#fill()));
    return this.#take(Math.min(n, this.#buffered));
  }

  /** Up to `n` bytes in the chunks they arrive in; throws when the stream ends first. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.#buffered === 0 && !(await this.#fill()))
        throw new TarFormatError(`tar archive truncated inside an entry (offset ${this.offset})`);
      const chunk = this.#take(Math.min(left, this.#pending[0]!.length));
      left -= chunk.length;
      yield chunk;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.chunks(n));
  }

  async #fill(): Promise<boolean> {
    if (this.#done) return false;
    const next = await this.source.next();
    if (next.done) {
      this.#done = true;
      return false;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value);
    this.#pending.push(chunk);
    this.#buffered += chunk.length;
    return true;
  }

  #take(n: number): Buffer {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const head = this.#pending[0]!;
      if (head.length <= left) {
        parts.push(head);
        this.#pending.shift();
        left -= head.length;
      } else {
        parts.push(head.subarray(0, left));
        this.#pending[0] = head.subarray(left);
        left = 0;
      }
    }
    this.#buffered -= n;
    this.offset += n;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/**
 * Streams the entries of an uncompressed tar archive. Pax and GNU long-name records are
 * folded into the entry they describe; a truncated or malformed archive throws
 * TarFormatError naming the offset.
 */
export async function* readTar(
  source: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer>,
): AsyncGenerator<TarEntry> {
  const r = new ByteReader(
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source)[Symbol.asyncIterator](),
  );
  let overrides = new Map<string, string>();
  let sawEntry = false;
  for (;;) {
    const at = r.offset;
    const block = await r.read(blockSize);
    if (block.length === 0 && sawEntry) return; // some writers omit the end-of-archive blocks
    if (block.length < blockSize) throw new TarFormatError(`tar archive truncated at offset ${at}`);
    if (isZeroBlock(block)) return;
    const raw = parseHeaderBlock(block, at);
    sawEntry = true;
    if (raw.kind !== 'entry') {
      const body = await r.read(raw.size);
      if (body.length < raw.size) throw new TarFormatError(`tar archive truncated at offset ${r.offset}`);
      await r.skip(paddingOf(raw.size));
      overrides = foldMeta(overrides, raw.kind, body);
      continue;
    }
    const header = withOverrides(raw.header, overrides);
    overrides = new Map();
    let consumed = 0;
    const body = async function* (): AsyncGenerator<Buffer> {
      for await (const c of r.chunks(header.size - consumed)) {
        consumed += c.length;
        yield c;
      }
    };
    yield { header, body };
    await r.skip(header.size - consumed + paddingOf(header.size));
  }
}

/** Reads a whole (small) entry body into memory. */
export async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c);
  return Buffer.concat(parts);
}

function foldMeta(current: Map<string, string>, kind: string, body: Buffer): Map<string, string> {
  const next = new Map(current);
  const text = () => body.toString('utf8').replace(/\0+$/, '');
  if (kind === 'pax') for (const [k, v] of parsePax(body)) next.set(k, v);
  else if (kind === 'gnu-longname') next.set('path', text());
  else if (kind === 'gnu-longlink') next.set('linkpath', text());
  // Global pax headers and unknown record types carry nothing an unpacker needs.
  return next;
}

async function* toAsync(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
}
