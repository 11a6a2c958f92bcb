import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerSaveTarball, fileEntry, layerTar } from './testing/image-fixtures.js';
import { RootfsCache } from './rootfs-cache.js';

describe('rootfs cache', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-rootfs-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const image = (name: string, data: Buffer) => {
    writeFileSync(join(dir, name), data);
    return { id: 'img-1', path: join(dir, name) };
  };
  const layers = [layerTar([fileEntry('etc/motd', 'base')]), layerTar([fileEntry('etc/motd', 'top')])];

  it('unpacks an image once, keyed by image id and config digest', async () => {
    const cache = new RootfsCache(join(dir, 'cache'));
    const a = await cache.ensure(image('img.tar', dockerSaveTarball(layers, ['/bin/run'])));
    expect(a.key).toMatch(/^img-1@[0-9a-f]{64}$/);
    expect(readFileSync(join(a.rootfs, 'etc/motd'), 'utf8')).toBe('top');
    expect(a.run.cmd).toEqual(['/bin/run']);
    writeFileSync(join(a.rootfs, 'etc/marker'), 'still the same entry');
    const b = await cache.ensure(image('img.tar', dockerSaveTarball(layers, ['/bin/run'])));
    expect(b.rootfs).toBe(a.rootfs);
    expect(readdirSync(a.rootfs + '/etc')).toContain('marker');
    expect(await new RootfsCache(join(dir, 'cache')).get(a.key)).toEqual(a);
  });

  it('is safe when several caches (processes) unpack the same image at once', async () => {
    const src = image('img.tar', dockerSaveTarball(layers));
    const caches = [1, 2, 3].map(() => new RootfsCache(join(dir, 'cache')));
    const got = await Promise.all([...caches, caches[0]!].map((c) => c.ensure(src)));
    expect(new Set(got.map((g) => g.rootfs)).size).toBe(1);
    expect(readdirSync(join(dir, 'cache', 'runc-rootfs'))).toEqual([got[0]!.key]);
  });

  it('reads gzip-compressed tarballs', async () => {
    const c = await new RootfsCache(join(dir, 'cache')).ensure(
      image('img.tar.gz', gzipSync(dockerSaveTarball(layers))),
    );
    expect(readFileSync(join(c.rootfs, 'etc/motd'), 'utf8')).toBe('top');
    expect(readdirSync(join(dir, 'cache', 'runc-rootfs'))).toEqual([c.key]);
  });

  it('leaves nothing behind for a corrupt image', async () => {
    const good = dockerSaveTarball(layers);
    // Flip bytes inside the second layer's file content: tar headers stay valid, the diff_id does not.
    const bad = Buffer.from(good);
    const at = bad.lastIndexOf('top');
    bad.write('TOP', at, 'latin1');
    const cache = new RootfsCache(join(dir, 'cache'));
    await expect(cache.ensure(image('bad.tar', bad))).rejects.toThrow(
      /layer 2 of 2: uncompressed layer digest mismatch/,
    );
    expect(readdirSync(join(dir, 'cache', 'runc-rootfs'))).toEqual([]);
  });

  it('lists complete entries with their image id, never an unpack under way', async () => {
    const cache = new RootfsCache(join(dir, 'cache'));
    const a = await cache.ensure(image('img.tar', dockerSaveTarball(layers)));
    mkdirSync(join(dir, 'cache', 'runc-rootfs', '.tmp-under-way', 'rootfs'), { recursive: true });
    // An entry unpacked before image.json named its image: the id comes from the key.
    const old = join(dir, 'cache', 'runc-rootfs', `img-old@${'0'.repeat(64)}`);
    mkdirSync(join(old, 'rootfs'), { recursive: true });
    writeFileSync(join(old, 'image.json'), JSON.stringify({ run: {}, configJson: {} }));
    const listed = (await cache.entries()).sort((x, y) => x.key.localeCompare(y.key));
    expect(listed.map((e) => [e.key, e.imageId, e.dir])).toEqual([
      [a.key, 'img-1', cache.dirOf(a.key)],
      [`img-old@${'0'.repeat(64)}`, 'img-old', old],
    ]);
  });

  it('removes an entry only when no create holds it and no workload uses it, and unpacks it again after', async () => {
    const cache = new RootfsCache(join(dir, 'cache'));
    const src = image('img.tar', dockerSaveTarball(layers));
    const held = await cache.hold(src);
    expect(await cache.remove(held.key, async () => false)).toBe(false);
    held.release();
    const asked: string[] = [];
    const used = async (rootfs: string) => {
      asked.push(rootfs);
      return true;
    };
    expect(await cache.remove(held.key, used)).toBe(false);
    expect(asked).toEqual([held.rootfs]);
    expect(await cache.remove(held.key, async () => false)).toBe(true);
    expect(existsSync(cache.dirOf(held.key))).toBe(false);
    expect(readdirSync(join(dir, 'cache', 'runc-rootfs'))).toEqual([]);
    expect(await cache.remove(held.key, async () => false)).toBe(false);
    expect(await cache.remove('../escape', async () => false)).toBe(false);
    const again = await cache.ensure(src);
    expect(readFileSync(join(again.rootfs, 'etc/motd'), 'utf8')).toBe('top');
  });
});
