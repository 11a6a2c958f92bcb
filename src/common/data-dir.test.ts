import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { securePrivateDataDir } from './data-dir.js';

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe('securePrivateDataDir', () => {
  let parent: string;
  let umask: number;

  beforeEach(() => {
    umask = process.umask();
    parent = mkdtempSync(join(tmpdir(), 'strata-datadir-'));
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(parent, { recursive: true, force: true });
  });

  it('makes a pre-existing 0755 data dir 0700, with a warning, and its old database 0600', () => {
    const dir = join(parent, 'data');
    process.umask(0o022);
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, 'strata.db'), 'x', { mode: 0o644 });
    const warnings = securePrivateDataDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(warnings).toEqual([expect.stringContaining('was mode 755')]);
    expect(modeOf(join(dir, 'strata.db'))).toBe(0o600);
  });

  it('creates files the owner alone can read from then on', () => {
    const dir = join(parent, 'data');
    process.umask(0o022);
    expect(securePrivateDataDir(dir)).toEqual([]);
    writeFileSync(join(dir, 'config.json'), '{}');
    mkdirSync(join(dir, 'images'));
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, 'config.json'))).toBe(0o600);
    expect(modeOf(join(dir, 'images'))).toBe(0o700);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a data dir another user owns', () => {
    const dir = join(parent, 'theirs');
    mkdirSync(dir);
    chmodSync(dir, 0o700);
    chownSync(dir, 65534, 65534);
    expect(() => securePrivateDataDir(dir)).toThrow(/owned by uid 65534/);
  });
});
