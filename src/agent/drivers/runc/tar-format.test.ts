import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { TarFormatError, blockSize, encodeHeader, parseHeaderBlock } from './tar-format.js';
import { readAll, readTar } from './tar-reader.js';
import { encodeArchive, entryHeader } from './tar-writer.js';

async function entries(archive: Buffer) {
  const out: Array<{ path: string; type: string; linkname: string; body: string; mode: number }> = [];
  for await (const e of readTar([archive])) {
    const { path, type, linkname, mode } = e.header;
    out.push({ path, type, linkname, mode, body: (await readAll(e.body())).toString() });
  }
  return out;
}

describe('tar format', () => {
  it('round-trips files, directories, symlinks and hard links', async () => {
    const archive = encodeArchive([
      { header: entryHeader('etc/', 'directory') },
      { header: entryHeader('etc/motd', 'file', { mode: 0o640 }), body: Buffer.from('hello\n') },
      { header: entryHeader('etc/link', 'symlink', { linkname: '../motd' }) },
      { header: entryHeader('etc/hard', 'hardlink', { linkname: 'etc/motd' }) },
    ]);
    expect(archive.length % blockSize).toBe(0);
    expect(await entries(archive)).toEqual([
      { path: 'etc/', type: 'directory', linkname: '', body: '', mode: 0o755 },
      { path: 'etc/motd', type: 'file', linkname: '', body: 'hello\n', mode: 0o640 },
      { path: 'etc/link', type: 'symlink', linkname: '../motd', body: '', mode: 0o777 },
      { path: 'etc/hard', type: 'hardlink', linkname: 'etc/motd', body: '', mode: 0o644 },
    ]);
  });

  it('keeps long paths and link targets (ustar prefix, then pax)', async () => {
    const prefixed = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    const pax = `${'x'.repeat(300)}/file`;
    const target = `/${'t'.repeat(200)}`;
    const archive = encodeArchive([
      { header: entryHeader(prefixed, 'file'), body: Buffer.from('a') },
      { header: entryHeader(pax, 'symlink', { linkname: target }) },
    ]);
    const got = await entries(archive);
    expect(got.map((e) => e.path)).toEqual([prefixed, pax]);
    expect(got[1]!.linkname).toBe(target);
  });

  it('rejects a header with a bad checksum', () => {
    const block = encodeHeader(entryHeader('a', 'file'));
    block[0] = 'b'.charCodeAt(0);
    expect(() => parseHeaderBlock(block, 0)).toThrow(TarFormatError);
    expect(() => parseHeaderBlock(block, 0)).toThrow(/checksum/);
  });

  it('reads GNU base-256 numbers', () => {
    const block = encodeHeader(entryHeader('big', 'file'));
    // size field as base-256: 0x80 then the value big-endian
    block.fill(0, 124, 136);
    block[124] = 0x80;
    block.writeUInt32BE(0x12345678, 132);
    let sum = 0;
    for (let i = 0; i < blockSize; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    block.write(sum.toString(8).padStart(7, '0') + '\0', 148, 8, 'latin1');
    const raw = parseHeaderBlock(block);
    expect(raw.kind === 'entry' && raw.header.size).toBe(0x12345678);
  });

  it('reports an archive cut short inside an entry', async () => {
    const archive = encodeArchive([{ header: entryHeader('f', 'file'), body: Buffer.alloc(2000, 1) }]);
    await expect(entries(archive.subarray(0, 1024))).rejects.toThrow(/truncated/);
  });

  it('skips bodies that are not read', async () => {
    const archive = encodeArchive([
      { header: entryHeader('a', 'file'), body: Buffer.alloc(1500, 97) },
      { header: entryHeader('b', 'file'), body: Buffer.from('bee') },
    ]);
    const names: string[] = [];
    for await (const e of readTar([archive.subarray(0, 700), archive.subarray(700)]))
      names.push(e.header.path);
    expect(names).toEqual(['a', 'b']);
  });
});

describe.skipIf(!hasCommand('tar'))('tar format, with GNU tar', () => {
  it.each(['gnu', 'pax', 'ustar'])(
    'reads what GNU tar writes (--format=%s) and GNU tar reads ours',
    async (format) => {
      const dir = mkdtempSync(join(tmpdir(), 'strata-tar-'));
      try {
        const deep = `${'d'.repeat(80)}/${'e'.repeat(80)}`;
        mkdirSync(join(dir, 'src', deep), { recursive: true });
        writeFileSync(join(dir, 'src', deep, 'file.txt'), 'content');
        symlinkSync('file.txt', join(dir, 'src', deep, 'link'));
        await runCommand('tar', [
          `--format=${format}`,
          '-C',
          join(dir, 'src'),
          '-cf',
          join(dir, 'a.tar'),
          '.',
        ]);
        const got = await entries(readFileSync(join(dir, 'a.tar')));
        expect(got.find((e) => e.path === `./${deep}/file.txt`)?.body).toBe('content');
        expect(got.find((e) => e.path === `./${deep}/link`)?.linkname).toBe('file.txt');

        const ours = encodeArchive([
          { header: entryHeader(`${'x'.repeat(300)}/f`, 'file'), body: Buffer.from('z') },
        ]);
        writeFileSync(join(dir, 'b.tar'), ours);
        const { stdout } = await runCommand('tar', ['-tf', join(dir, 'b.tar')]);
        expect(stdout.trim()).toBe(`${'x'.repeat(300)}/f`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
