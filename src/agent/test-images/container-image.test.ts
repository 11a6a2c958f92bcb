import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImageArchive } from '../drivers/runc/oci-image.js';
import { readAll, readTar } from '../drivers/runc/tar-reader.js';
import {
  buildContainerTestImage,
  containerTestInit,
  containerTestScript,
  dockerSaveArchive,
} from './container-image.js';

describe.skipIf(!existsSync('/bin/busybox'))('container test image', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-container-image-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the same bytes every time, in any directory', async () => {
    const a = await buildContainerTestImage(join(dir, 'a'));
    const b = await buildContainerTestImage(join(dir, 'b'));
    expect(a).toMatchObject({ diskFormat: 'raw', containerFormat: 'docker' });
    expect(a.checksum).toMatch(/^[0-9a-f]{32}$/);
    expect(b.checksum).toBe(a.checksum);
    expect(readFileSync(b.path).equals(readFileSync(a.path))).toBe(true);
    expect(a.sizeBytes).toBe(statSync(a.path).size);
  });

  it('is cached: a second build reuses the tarball', async () => {
    const first = await buildContainerTestImage(join(dir, 'c'));
    const before = statSync(first.path).mtimeMs;
    const again = await buildContainerTestImage(join(dir, 'c'));
    expect(again.path).toBe(first.path);
    expect(statSync(again.path).mtimeMs).toBe(before);
  });

  it('is built again when its input changes (path, size or time), and only then', async () => {
    const busybox = join(dir, 'busybox-copy');
    copyFileSync('/bin/busybox', busybox);
    const first = await buildContainerTestImage(join(dir, 'e'), { busybox });
    expect((await buildContainerTestImage(join(dir, 'e'), { busybox })).path).toBe(first.path);
    // What a package upgrade does to the file: a new modification time.
    utimesSync(busybox, new Date(), new Date(Date.now() + 60_000));
    const rebuilt = await buildContainerTestImage(join(dir, 'e'), { busybox });
    expect(rebuilt.path).not.toBe(first.path);
    // Same busybox bytes, so the same image: the key only decides when to look again.
    expect(rebuilt.checksum).toBe(first.checksum);
  });

  it('is a docker save archive whose command is the test init', async () => {
    const img = await buildContainerTestImage(join(dir, 'd'));
    const archive = await openImageArchive(img.path);
    expect(archive.format).toBe('docker-save');
    expect(archive.run.cmd).toEqual([containerTestInit]);
    expect(archive.run.env.some((e) => e.startsWith('PATH='))).toBe(true);
    expect(archive.layers).toHaveLength(1);
    const files = new Map<string, { type: string; linkname: string; body: Buffer }>();
    for await (const e of readTar(archive.openLayer(archive.layers[0]!))) {
      files.set(e.header.path, {
        type: e.header.type,
        linkname: e.header.linkname,
        body: await readAll(e.body()),
      });
    }
    expect(files.get('bin/busybox')?.body.equals(readFileSync('/bin/busybox'))).toBe(true);
    expect(files.get('bin/sh')).toMatchObject({ type: 'symlink', linkname: '/bin/busybox' });
    expect(files.get('etc/passwd')?.body.toString()).toMatch(/^root:x:0:0:/);
    expect(files.get(containerTestInit.slice(1))?.body.toString()).toBe(containerTestScript);
    expect(files.get('tmp/')?.type).toBe('directory');
  });

  it('sorts its entries and fixes their times (pure)', async () => {
    const bytes = dockerSaveArchive(Buffer.from('not really busybox'), ['bin/sh', 'bin/ls', 'usr/bin/env']);
    expect(dockerSaveArchive(Buffer.from('not really busybox'), ['bin/sh', 'bin/ls', 'usr/bin/env'])).toEqual(
      bytes,
    );
    const names: string[] = [];
    for await (const e of readTar([bytes])) {
      names.push(e.header.path);
      expect(e.header.mtime).toBe(0);
    }
    expect(names).toEqual([...names].sort());
    expect(names).toContain('manifest.json');
  });
});
