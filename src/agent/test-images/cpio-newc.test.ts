import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../host/command.js';
import { cpioNewc, type CpioEntry } from './cpio-newc.js';

const entries: CpioEntry[] = [
  { kind: 'dir', path: 'bin' },
  { kind: 'file', path: 'bin/hello', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { kind: 'symlink', path: 'bin/sh', target: 'hello' },
  { kind: 'dir', path: 'dev' },
  { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
];

describe('cpio-newc', () => {
  it('writes 4-byte aligned newc members and a trailer', () => {
    const out = cpioNewc(entries);
    expect(out.length % 4).toBe(0);
    expect(out.subarray(0, 6).toString()).toBe('070701');
    expect(out.includes(Buffer.from('TRAILER!!!\0'))).toBe(true);
    // mode field (second) of the first member: a 0755 directory
    expect(parseInt(out.subarray(14, 22).toString(), 16)).toBe(0o040755);
  });

  it('is byte-for-byte reproducible', () => {
    expect(cpioNewc(entries).equals(cpioNewc(entries))).toBe(true);
  });

  describe.skipIf(!hasCommand('cpio'))('read back by GNU cpio', () => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('extracts files, modes and symlinks', async () => {
      dir = mkdtempSync(join(tmpdir(), 'strata-cpio-'));
      writeFileSync(join(dir, 'a.cpio'), cpioNewc(entries.filter((e) => e.kind !== 'chardev')));
      await runCommand('cpio', ['-id', '--quiet', '-F', 'a.cpio'], { cwd: dir });
      expect(readFileSync(join(dir, 'bin/hello'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
      expect(statSync(join(dir, 'bin/hello')).mode & 0o777).toBe(0o755);
      expect(readlinkSync(join(dir, 'bin/sh'))).toBe('hello');
      const { stdout } = await runCommand('cpio', ['-t', '--quiet', '-F', join(dir, 'a.cpio')]);
      expect(stdout.trim().split('\n')).toEqual(['bin', 'bin/hello', 'bin/sh', 'dev']);
    });
  });
});
