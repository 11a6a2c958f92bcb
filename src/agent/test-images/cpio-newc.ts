/** One member of a cpio archive; paths are relative ("bin/busybox"), parents listed first. */
export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Buffer; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | {
      readonly kind: 'chardev';
      readonly path: string;
      readonly major: number;
      readonly minor: number;
      readonly mode?: number;
    };

const typeBits = { dir: 0o040000, file: 0o100000, symlink: 0o120000, chardev: 0o020000 } as const;
const defaultPerm = { dir: 0o755, file: 0o644, symlink: 0o777, chardev: 0o600 } as const;

/**
 * Writes a "newc" (SVR4, no CRC) cpio archive, the format the kernel unpacks as an
 * initramfs. Owners are root and times are zero, so the same entries give the same bytes.
 */
export function cpioNewc(entries: ReadonlyArray<CpioEntry>): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => parts.push(...member(e, i + 1)));
  parts.push(...member({ kind: 'file', path: 'TRAILER!!!', data: Buffer.alloc(0), mode: 0 }, 0, true));
  return Buffer.concat(parts);
}

function member(e: CpioEntry, ino: number, trailer = false): Buffer[] {
  const data = e.kind === 'file' ? e.data : e.kind === 'symlink' ? Buffer.from(e.target) : Buffer.alloc(0);
  const perm = e.kind !== 'symlink' && e.mode !== undefined ? e.mode : defaultPerm[e.kind];
  const name = Buffer.from(`${e.path}\0`);
  const fields = [
    ino,
    trailer ? 0 : typeBits[e.kind] | perm,
    0, // uid
    0, // gid
    e.kind === 'dir' ? 2 : 1,
    0, // mtime
    data.length,
    0, // devmajor
    0, // devminor
    e.kind === 'chardev' ? e.major : 0,
    e.kind === 'chardev' ? e.minor : 0,
    name.length,
    0, // check
  ];
  const header = Buffer.from('070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join(''));
  return [header, name, pad(header.length + name.length), data, pad(data.length)];
}

// Header+name and data each end on a 4-byte boundary.
function pad(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
