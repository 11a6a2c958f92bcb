import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLimitExceeded, ImageFileStore } from './image-file-store.js';

const root = mkdtempSync(join(tmpdir(), 'strata-image-files-'));
const files = new ImageFileStore(root);
const id = '11111111-2222-3333-4444-555555555555';

describe('image-file-store', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('streams data in and reports size, md5 and sha512', async () => {
    const stored = await files.write(
      id,
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
      'store',
    );
    expect(stored).toEqual({
      size: 11,
      checksum: createHash('md5').update('hello world').digest('hex'),
      osHashAlgo: 'sha512',
      osHashValue: createHash('sha512').update('hello world').digest('hex'),
    });
    expect(readFileSync(files.path(id), 'utf8')).toBe('hello world');
    expect(await files.hash(id, 'store')).toEqual(stored);
  });

  it('removes what a killed process left: .part files, and data of images no longer live', async () => {
    const staging = join(root, 'staging');
    mkdirSync(staging, { recursive: true });
    const gone = '11111111-2222-3333-4444-777777777777';
    writeFileSync(join(root, `${id}.abc123.part`), 'half');
    writeFileSync(join(staging, `${id}.def456.part`), 'half');
    writeFileSync(join(root, gone), 'data of a deleted image');
    writeFileSync(join(staging, gone), 'staged data of a deleted image');
    writeFileSync(join(root, 'not-an-image'), 'someone else');
    const asked: string[][] = [];
    const removed = await files.removeLeftovers(async (ids) => {
      asked.push([...ids].sort());
      return new Set(ids.filter((i) => i === id));
    });
    expect(removed).toBe(4);
    expect(asked).toEqual([[id, gone].sort(), [gone]]);
    expect(readdirSync(root).sort()).toEqual([id, 'not-an-image', 'staging'].sort());
    expect(readdirSync(staging)).toEqual([]);
    expect(readFileSync(files.path(id), 'utf8')).toBe('hello world');
    rmSync(join(root, 'not-an-image'));
  });

  it('leaves nothing behind when the data passes the limit', async () => {
    const other = '11111111-2222-3333-4444-666666666666';
    await expect(files.write(other, Buffer.alloc(100), 'store', 99)).rejects.toBeInstanceOf(
      DataLimitExceeded,
    );
    expect(await files.exists(other)).toBe(false);
    expect(readdirSync(root).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('copies a local file in with the same size and hashes as streaming it, within the limit', async () => {
    const source = join(root, 'local-source');
    writeFileSync(source, 'hello world');
    const copied = '11111111-2222-3333-4444-888888888888';
    const stored = await files.write(copied, { localPath: source }, 'store', 11);
    expect(stored).toEqual(await files.hash(id, 'store'));
    expect(readFileSync(files.path(copied), 'utf8')).toBe('hello world');
    const tooBig = '11111111-2222-3333-4444-999999999999';
    await expect(files.write(tooBig, { localPath: source }, 'store', 10)).rejects.toBeInstanceOf(
      DataLimitExceeded,
    );
    expect(await files.exists(tooBig)).toBe(false);
    await expect(files.write(tooBig, { localPath: join(root, 'absent') }, 'store')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(root).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('moves staged data into the store, once', async () => {
    const staged = '11111111-2222-3333-4444-777777777777';
    await files.write(staged, Buffer.from('staged'), 'staging');
    await files.promote(staged);
    await files.promote(staged);
    expect(await files.exists(staged, 'staging')).toBe(false);
    expect(readFileSync(files.path(staged), 'utf8')).toBe('staged');
    await files.remove(staged);
    expect(await files.exists(staged)).toBe(false);
  });

  it('refuses anything but an image id as a file name', () => {
    expect(() => files.path('../etc/passwd')).toThrow('not an image id');
  });
});
