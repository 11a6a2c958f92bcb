import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileEntry, layerTar } from './testing/image-fixtures.js';
import { applyLayer, whiteoutOf } from './layer-unpack.js';
import { cleanImagePath, resolveInRoot } from './root-path.js';
import { entryHeader } from './tar-writer.js';

const dir = (path: string, mode = 0o755) => ({ header: entryHeader(path, 'directory', { mode }) });
const link = (path: string, target: string) => ({
  header: entryHeader(path, 'symlink', { linkname: target }),
});
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('whiteouts', () => {
  it('names what a whiteout removes', () => {
    expect(whiteoutOf('etc/.wh.motd')).toEqual({ kind: 'remove', path: 'etc/motd' });
    expect(whiteoutOf('./.wh.tmp')).toEqual({ kind: 'remove', path: 'tmp' });
    expect(whiteoutOf('var/lib/.wh..wh..opq')).toEqual({ kind: 'opaque', dir: 'var/lib' });
    expect(whiteoutOf('etc/motd')).toBeUndefined();
    expect(whiteoutOf('etc/wh.motd')).toBeUndefined();
  });

  it('cleans image paths so they cannot climb out', () => {
    expect(cleanImagePath('./a//b/')).toBe('a/b');
    expect(cleanImagePath('/../../etc/passwd')).toBe('etc/passwd');
    expect(cleanImagePath('.')).toBe('');
  });
});

describe('layer unpacking', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-layer-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const apply = (entries: Parameters<typeof layerTar>[0], digests = {}) =>
    applyLayer(root, Readable.from([layerTar(entries)]), digests);

  it('applies files, modes, links and whiteouts layer over layer', async () => {
    await apply([
      dir('etc/'),
      fileEntry('etc/motd', 'old'),
      fileEntry('etc/keep', 'kept'),
      fileEntry('bin/tool', '#!/bin/sh', 0o4755),
      dir('var/lib/'),
      fileEntry('var/lib/a', 'a'),
      fileEntry('var/lib/b', 'b'),
      link('etc/motd.link', 'motd'),
    ]);
    await apply([
      fileEntry('etc/.wh.motd', ''),
      fileEntry('var/lib/c', 'new'),
      fileEntry('var/lib/.wh..wh..opq', ''),
      { header: entryHeader('etc/hard', 'hardlink', { linkname: 'etc/keep' }) },
    ]);
    expect(existsSync(join(root, 'etc/motd'))).toBe(false);
    expect(readFileSync(join(root, 'etc/keep'), 'utf8')).toBe('kept');
    expect(lstatSync(join(root, 'etc/hard')).ino).toBe(lstatSync(join(root, 'etc/keep')).ino);
    expect(readlinkSync(join(root, 'etc/motd.link'))).toBe('motd');
    expect(readdirSync(join(root, 'var/lib'))).toEqual(['c']);
    expect(lstatSync(join(root, 'bin/tool')).mode & 0o7777).toBe(0o4755);
    expect(readdirSync(root).some((n) => n.startsWith('.wh.'))).toBe(false);
  });

  it('replaces a directory with a file and a file with a directory', async () => {
    await apply([dir('x/'), fileEntry('x/inner', '1'), fileEntry('y', 'file')]);
    await apply([fileEntry('x', 'now a file'), dir('y/'), fileEntry('y/z', 'z')]);
    expect(readFileSync(join(root, 'x'), 'utf8')).toBe('now a file');
    expect(readFileSync(join(root, 'y/z'), 'utf8')).toBe('z');
  });

  it('keeps every entry inside the root, whatever symlinks and dot-dots say', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'strata-outside-'));
    try {
      await apply([
        link('escape', outside),
        link('up', '../../../..'),
        fileEntry('escape/pwned', 'x'),
        fileEntry('up/pwned2', 'x'),
        fileEntry('../../pwned3', 'x'),
      ]);
      expect(readdirSync(outside)).toEqual([]);
      writeFileSync(join(outside, 'secret'), 's', { mode: 0o600 });
      await apply([
        link('s', join(outside, 'secret')),
        { header: entryHeader('h', 'hardlink', { linkname: 's', mode: 0o777, mtime: 1 }) },
        dir('d/'),
        link('d', outside),
      ]);
      expect(statSync(join(outside, 'secret')).mode & 0o777).toBe(0o600);
      expect(statSync(outside).mtimeMs).toBeGreaterThan(1000);
      // Absolute links resolve from the root, `..` stops at it.
      expect(readFileSync(join(root, outside, 'pwned'), 'utf8')).toBe('x');
      expect(readFileSync(join(root, 'pwned2'), 'utf8')).toBe('x');
      expect(readFileSync(join(root, 'pwned3'), 'utf8')).toBe('x');
      expect(await resolveInRoot(root, 'up/etc', true)).toBe(`${root}/etc`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('inflates gzip layers and checks both digests', async () => {
    const tar = layerTar([fileEntry('hello', 'world')]);
    const gz = gzipSync(tar);
    await applyLayer(root, Readable.from([gz]), { blobDigest: sha(gz), diffId: sha(tar) });
    expect(readFileSync(join(root, 'hello'), 'utf8')).toBe('world');
    await expect(
      applyLayer(root, Readable.from([gz]), { blobDigest: sha(gz), diffId: sha(Buffer.from('other')) }),
    ).rejects.toThrow(/uncompressed layer digest mismatch/);
  });

  it('fails on a corrupt or truncated layer', async () => {
    const tar = layerTar([fileEntry('big', 'x'.repeat(5000))]);
    await expect(applyLayer(root, Readable.from([tar.subarray(0, 2048)]), {})).rejects.toThrow(/truncated/);
    const gz = gzipSync(tar);
    await expect(applyLayer(root, Readable.from([gz.subarray(0, gz.length - 10)]), {})).rejects.toThrow();
    await expect(
      applyLayer(root, Readable.from([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])]), {}),
    ).rejects.toThrow(/zstd/);
  });
});
