import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { checkDiskFormat, createOverlay, GiB, growImage, imageInfo, prepareBaseImage } from './qemu-image.js';

describe('checkDiskFormat', () => {
  it('accepts qcow2 and raw and names anything else', () => {
    expect(checkDiskFormat('qcow2')).toBe('qcow2');
    expect(checkDiskFormat('raw')).toBe('raw');
    expect(() => checkDiskFormat('vhdx')).toThrow('unsupported disk format "vhdx" (supported: qcow2, raw)');
    expect(() => checkDiskFormat(null)).toThrow(/unsupported disk format null/);
  });
});

describe.skipIf(!hasCommand('qemu-img'))('qemu-image (qemu-img)', () => {
  let dir = '';
  let cache = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-qemu-img-'));
    cache = join(dir, 'cache');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const qcow2 = async (name: string, size = '64M', extra: string[] = []) => {
    const path = join(dir, name);
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', ...extra, path, size]);
    return path;
  };

  it('caches a base once per image, however many creates race for it', async () => {
    const src = await qcow2('src.qcow2');
    symlinkSync(src, join(dir, 'alias.qcow2'));
    // Different paths defeat the in-process dedupe, as two agent processes would.
    const [a, b, c] = await Promise.all([
      prepareBaseImage(cache, { id: 'img-1', path: src, diskFormat: 'qcow2' }),
      prepareBaseImage(cache, { id: 'img-1', path: join(dir, 'alias.qcow2'), diskFormat: 'qcow2' }),
      prepareBaseImage(cache, { id: 'img-1', path: src, diskFormat: 'qcow2' }),
    ]);
    expect(a.path).toBe(b.path);
    expect(c.path).toBe(a.path);
    expect(readdirSync(join(cache, 'qemu-base'))).toEqual([a.path.split('/').at(-1)]);
    expect(a).toMatchObject({ format: 'qcow2', virtualSize: 64 * 1024 * 1024 });
  });

  it('keeps a raw image raw', async () => {
    const src = join(dir, 'disk.raw');
    writeFileSync(src, Buffer.alloc(1024 * 1024, 1));
    const base = await prepareBaseImage(cache, { id: 'raw-1', path: src, diskFormat: 'raw' });
    expect(base.path.endsWith('.raw')).toBe(true);
    expect((await imageInfo(base.path)).format).toBe('raw');
  });

  it('refuses, with the reason, an image that is not what it claims, a missing file and a backing file', async () => {
    const fake = join(dir, 'fake.qcow2');
    writeFileSync(fake, 'not an image at all');
    await expect(prepareBaseImage(cache, { id: 'x', path: fake, diskFormat: 'qcow2' })).rejects.toThrow(
      /image x is unreadable: .*not in qcow2 format/,
    );
    await expect(
      prepareBaseImage(cache, { id: 'y', path: join(dir, 'missing'), diskFormat: 'qcow2' }),
    ).rejects.toThrow(/image y: file .*missing not found/);
    const base = await qcow2('base.qcow2');
    const child = await qcow2('child.qcow2', '64M', ['-F', 'qcow2', '-b', base]);
    await expect(prepareBaseImage(cache, { id: 'z', path: child, diskFormat: 'qcow2' })).rejects.toThrow(
      /refers to another file/,
    );
    expect(existsSync(join(cache, 'qemu-base')) ? readdirSync(join(cache, 'qemu-base')) : []).toEqual([]);
  });

  it('makes overlays at least the flavor size and grows but never shrinks them', async () => {
    const base = await prepareBaseImage(cache, {
      id: 'b',
      path: await qcow2('src.qcow2'),
      diskFormat: 'qcow2',
    });
    const overlay = join(dir, 'disk.qcow2');
    await createOverlay(base, overlay, 0);
    expect(await imageInfo(overlay)).toMatchObject({
      virtualSize: 64 * 1024 * 1024,
      backingFilename: base.path,
    });
    await growImage(overlay, GiB);
    expect((await imageInfo(overlay)).virtualSize).toBe(GiB);
    await growImage(overlay, 1024);
    expect((await imageInfo(overlay)).virtualSize).toBe(GiB);
    const big = join(dir, 'big.qcow2');
    await createOverlay(base, big, 2 * GiB);
    expect((await imageInfo(big)).virtualSize).toBe(2 * GiB);
    // A base larger than the flavor's disk is Nova's FlavorDiskSmallerThanImage, and no overlay.
    const small = join(dir, 'small.qcow2');
    await expect(createOverlay(base, small, 1024 * 1024)).rejects.toThrow(
      `Flavor's disk is too small for requested image. Flavor disk is 1048576 bytes, image is ${64 * 1024 * 1024} bytes.`,
    );
    expect(existsSync(small)).toBe(false);
  });
});
