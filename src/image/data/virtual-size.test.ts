import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../agent/host/command.js';
import { virtualSizeOf } from './virtual-size.js';

describe('virtual size from image headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-vsize-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the file size for raw, and unknown for formats it does not read or a header that lies', async () => {
    const raw = join(dir, 'disk.raw');
    writeFileSync(raw, Buffer.alloc(4096, 1));
    expect(await virtualSizeOf(raw, 'raw')).toBe(4096);
    expect(await virtualSizeOf(raw, 'qcow2')).toBe(null);
    expect(await virtualSizeOf(raw, 'iso')).toBe(null);
    expect(await virtualSizeOf(raw, 'ami')).toBe(null);
  });

  // qemu-img is the reference: what it reports is what Glance's inspector reports.
  it.skipIf(!hasCommand('qemu-img'))('agrees with qemu-img for qcow2, vmdk, vdi and vhd', async () => {
    for (const [format, qemuFormat] of [
      ['qcow2', 'qcow2'],
      ['vmdk', 'vmdk'],
      ['vdi', 'vdi'],
      ['vhd', 'vpc'],
    ] as const) {
      const path = join(dir, `disk.${format}`);
      execFileSync('qemu-img', ['create', '-q', '-f', qemuFormat, path, '3G']);
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', path]).toString());
      expect([format, await virtualSizeOf(path, format)]).toEqual([format, info['virtual-size']]);
    }
  });

  it.skipIf(!hasCommand('xorriso'))('reads the volume size of an ISO 9660 image', async () => {
    const src = join(dir, 'iso-src');
    execFileSync('mkdir', ['-p', src]);
    writeFileSync(join(src, 'hello.txt'), 'hello');
    const iso = join(dir, 'disk.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-o', iso, src], { stdio: 'ignore' });
    // xorriso writes exactly the volume, so the file is as large as the descriptor says.
    expect(await virtualSizeOf(iso, 'iso')).toBe(statSync(iso).size);
  });
});
