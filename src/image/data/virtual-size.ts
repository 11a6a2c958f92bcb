import { open } from 'node:fs/promises';

/**
 * The size of the disk an image expands to, read from its header as Glance's format
 * inspector does (no qemu-img needed on the control plane). Null when the format keeps it
 * elsewhere or the header is not what the declared disk_format says: Glance leaves
 * virtual_size unset then, and so do we.
 */
export async function virtualSizeOf(path: string, diskFormat: string | null): Promise<number | null> {
  const f = await open(path, 'r');
  try {
    const { size } = await f.stat();
    const read = async (offset: number, length: number): Promise<Buffer | undefined> => {
      if (offset < 0 || offset + length > size) return undefined;
      const buf = Buffer.alloc(length);
      await f.read(buf, 0, length, offset);
      return buf;
    };
    switch (diskFormat) {
      case 'raw':
        return size;
      case 'qcow2':
        return qcow2(await read(0, 32));
      case 'vmdk':
        return vmdk(await read(0, 20));
      case 'vdi':
        return vdi(await read(0, 0x178));
      case 'vhd':
        return vhd(await read(size - 512, 512));
      case 'iso':
        return iso(await read(0x8000, 0x82));
      default:
        return null;
    }
  } finally {
    await f.close();
  }
}

const asSize = (n: bigint): number | null =>
  n > 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;

/** QCOW2: "QFI\xfb", then the virtual size as a big-endian u64 at byte 24. */
function qcow2(h: Buffer | undefined): number | null {
  return h !== undefined && h.readUInt32BE(0) === 0x514649fb ? asSize(h.readBigUInt64BE(24)) : null;
}

/** Monolithic sparse VMDK: "KDMV", then the capacity in 512-byte sectors (LE u64) at byte 12. */
function vmdk(h: Buffer | undefined): number | null {
  return h !== undefined && h.toString('latin1', 0, 4) === 'KDMV'
    ? asSize(h.readBigUInt64LE(12) * 512n)
    : null;
}

/** VDI: signature 0xbeda107f at byte 0x40, the disk size (LE u64) at 0x170. */
function vdi(h: Buffer | undefined): number | null {
  return h !== undefined && h.readUInt32LE(0x40) === 0xbeda107f ? asSize(h.readBigUInt64LE(0x170)) : null;
}

/** VHD: a 512-byte footer at the end, "conectix", then the current size (BE u64) at byte 48. */
function vhd(f: Buffer | undefined): number | null {
  return f !== undefined && f.toString('latin1', 0, 8) === 'conectix' ? asSize(f.readBigUInt64BE(48)) : null;
}

/** ISO 9660: the primary volume descriptor at 32 KiB: blocks (LE u32 at +80) times block size (LE u16 at +128). */
function iso(d: Buffer | undefined): number | null {
  if (d === undefined || d[0] !== 1 || d.toString('latin1', 1, 6) !== 'CD001') return null;
  return asSize(BigInt(d.readUInt32LE(80)) * BigInt(d.readUInt16LE(128)));
}
