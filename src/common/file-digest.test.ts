import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestFile } from './file-digest.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-digest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('digestFile', () => {
  it('matches one-shot hashes across several buffer refills, and for an empty file', async () => {
    const data = Buffer.alloc(2.5 * 1024 * 1024 + 7, 0);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) & 0xff;
    const path = join(dir, 'big');
    writeFileSync(path, data);
    const got = await digestFile(path, ['md5', 'sha512']);
    expect(got.size).toBe(data.length);
    expect(got.digests.md5).toBe(createHash('md5').update(data).digest('hex'));
    expect(got.digests.sha512).toBe(createHash('sha512').update(data).digest('hex'));
    writeFileSync(join(dir, 'empty'), '');
    const empty = await digestFile(join(dir, 'empty'), ['md5']);
    expect(empty).toEqual({ size: 0, digests: { md5: createHash('md5').digest('hex') } });
  });

  it('fails for a missing file', async () => {
    await expect(digestFile(join(dir, 'absent'), ['md5'])).rejects.toThrow(/ENOENT/);
  });
});
