/**
 * The tar header format (POSIX ustar + pax extended headers, GNU long names and base-256
 * numbers when reading). Pure: buffers in, records out, so the reader and writer share it.
 */
export const blockSize = 512;

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarEntryHeader {
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
}

/** A raw header block: an entry, or one of the meta records that change the next entry. */
export type RawHeader =
  | { readonly kind: 'entry'; readonly header: TarEntryHeader }
  | { readonly kind: 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink'; readonly size: number }
  | { readonly kind: 'other'; readonly size: number; readonly typeflag: string };

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

const typeByFlag: Readonly<Record<string, TarEntryType>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
};
const flagByType = Object.fromEntries(
  (['file', 'hardlink', 'symlink', 'char', 'block', 'directory', 'fifo'] as const).map((t, i) => [
    t,
    i === 0 ? '0' : String(i),
  ]),
) as Record<TarEntryType, string>;

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < blockSize; i++) if (block[i] !== 0) return false;
  return true;
}

/** Bytes of padding after an entry body of `size` bytes. */
export function paddingOf(size: number): number {
  return (blockSize - (size % blockSize)) % blockSize;
}

/** Parses one 512-byte header block; throws TarFormatError on a bad checksum. */
export function parseHeaderBlock(block: Buffer, offset = 0): RawHeader {
  if (block.length < blockSize) throw new TarFormatError(`truncated tar header at offset ${offset}`);
  if (readNumber(block, 148, 8) !== checksumOf(block))
    throw new TarFormatError(`bad tar header checksum at offset ${offset} (not a tar file, or corrupt)`);
  const flag = String.fromCharCode(block[156] ?? 0);
  const size = readNumber(block, 124, 12);
  if (Number.isNaN(size)) throw new TarFormatError(`malformed tar header at offset ${offset}`);
  const meta = { x: 'pax', g: 'pax-global', L: 'gnu-longname', K: 'gnu-longlink' } as const;
  if (flag in meta) return { kind: meta[flag as keyof typeof meta], size };
  const type = typeByFlag[flag];
  if (type === undefined) return { kind: 'other', size, typeflag: flag };
  const magic = block.toString('latin1', 257, 263);
  const prefix = magic === 'ustar\0' ? readString(block, 345, 155) : '';
  const name = readString(block, 0, 100);
  const header: TarEntryHeader = {
    path: prefix ? `${prefix}/${name}` : name,
    type,
    mode: readNumber(block, 100, 8) & 0o7777,
    uid: readNumber(block, 108, 8),
    gid: readNumber(block, 116, 8),
    size: type === 'file' ? size : 0,
    mtime: readNumber(block, 136, 12),
    linkname: readString(block, 157, 100),
    devmajor: readNumber(block, 329, 8),
    devminor: readNumber(block, 337, 8),
  };
  if (Object.values(header).some((v) => Number.isNaN(v)))
    throw new TarFormatError(`malformed tar header at offset ${offset}`);
  return { kind: 'entry', header };
}

/** Parses pax records (`<len> <key>=<value>\n`). */
export function parsePax(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    const len = Number.parseInt(body.toString('latin1', pos, space), 10);
    if (space < 0 || !Number.isFinite(len) || len <= 0 || pos + len > body.length)
      throw new TarFormatError('malformed pax extended header');
    const record = body.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

/** Applies pax (and GNU long name) overrides to the header that follows them. */
export function withOverrides(h: TarEntryHeader, pax: ReadonlyMap<string, string>): TarEntryHeader {
  const num = (k: string, d: number) => (pax.has(k) ? Math.floor(Number(pax.get(k))) : d);
  return {
    ...h,
    path: pax.get('path') ?? h.path,
    linkname: pax.get('linkpath') ?? h.linkname,
    size: h.type === 'file' ? num('size', h.size) : 0,
    uid: num('uid', h.uid),
    gid: num('gid', h.gid),
    mtime: num('mtime', h.mtime),
  };
}

/**
 * Encodes one entry's header: one ustar block, preceded by a pax header when a field does
 * not fit (long paths, big files or ids).
 */
export function encodeHeader(h: TarEntryHeader): Buffer {
  const pax = new Map<string, string>();
  const split = splitPath(h.path);
  if (split === undefined) pax.set('path', h.path);
  if (Buffer.byteLength(h.linkname) > 100) pax.set('linkpath', h.linkname);
  if (h.size > 0o77777777777) pax.set('size', String(h.size));
  if (h.uid > 0o7777777) pax.set('uid', String(h.uid));
  if (h.gid > 0o7777777) pax.set('gid', String(h.gid));
  const block = ustarBlock(h, flagByType[h.type], split ?? { prefix: '', name: truncate(h.path, 100) });
  if (pax.size === 0) return block;
  const body = encodePax(pax);
  const paxHeader = ustarBlock({ ...h, type: 'file', size: body.length, linkname: '' }, 'x', {
    prefix: '',
    name: truncate(`PaxHeaders/${h.path}`, 100),
  });
  return Buffer.concat([paxHeader, body, Buffer.alloc(paddingOf(body.length)), block]);
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(blockSize * 2);
}

function ustarBlock(h: TarEntryHeader, flag: string, p: { prefix: string; name: string }): Buffer {
  const b = Buffer.alloc(blockSize);
  b.write(p.name, 0, 100, 'utf8');
  writeOctal(b, 100, 8, h.mode & 0o7777);
  writeOctal(b, 108, 8, Math.min(h.uid, 0o7777777));
  writeOctal(b, 116, 8, Math.min(h.gid, 0o7777777));
  writeOctal(b, 124, 12, h.size > 0o77777777777 ? 0 : h.size);
  writeOctal(b, 136, 12, Math.max(0, Math.min(h.mtime, 0o77777777777)));
  b.write(flag, 156, 1, 'latin1');
  b.write(truncate(h.linkname, 100), 157, 100, 'utf8');
  b.write('ustar\0', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  writeOctal(b, 329, 8, h.devmajor);
  writeOctal(b, 337, 8, h.devminor);
  b.write(p.prefix, 345, 155, 'utf8');
  writeOctal(b, 148, 8, checksumOf(b));
  return b;
}

function encodePax(pax: ReadonlyMap<string, string>): Buffer {
  const records = [...pax].map(([k, v]) => {
    const rest = ` ${k}=${v}\n`;
    const restLen = Buffer.byteLength(rest);
    let len = restLen + String(restLen).length;
    if (String(len).length !== String(restLen).length) len = restLen + String(len).length;
    return `${len}${rest}`;
  });
  return Buffer.from(records.join(''), 'utf8');
}

/** ustar's name (100 bytes) + prefix (155 bytes) split, or undefined when the path needs pax. */
function splitPath(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '')
      return { prefix, name };
  }
  return undefined;
}

function truncate(s: string, bytes: number): string {
  const b = Buffer.from(s, 'utf8');
  return b.length <= bytes ? s : b.subarray(0, bytes).toString('utf8');
}

function checksumOf(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < blockSize; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum;
}

function readString(b: Buffer, start: number, len: number): string {
  const end = b.indexOf(0, start);
  return b.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
}

/** Octal ASCII, or GNU base-256 when the high bit of the first byte is set. */
function readNumber(b: Buffer, start: number, len: number): number {
  if (((b[start] ?? 0) & 0x80) !== 0) {
    let n = (b[start] ?? 0) & 0x7f;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + (b[i] ?? 0);
    return n;
  }
  const raw = b.toString('latin1', start, start + len);
  const nul = raw.indexOf('\0');
  const text = (nul < 0 ? raw : raw.slice(0, nul)).trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : Number.NaN;
}

function writeOctal(b: Buffer, start: number, len: number, n: number): void {
  b.write(n.toString(8).padStart(len - 1, '0') + '\0', start, len, 'latin1');
}
