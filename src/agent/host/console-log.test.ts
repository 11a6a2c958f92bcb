import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendConsoleNote, tailConsoleLog, trimConsoleLog } from './console-log.js';

describe('console-log', () => {
  let dir = '';
  let log = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-console-'));
    log = join(dir, 'console.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tails the last lines, keeping the trailing newline', async () => {
    writeFileSync(log, 'a\nb\nc\n');
    expect(await tailConsoleLog(log, 2)).toBe('b\nc\n');
    expect(await tailConsoleLog(log)).toBe('a\nb\nc\n');
    expect(await tailConsoleLog(log, 0)).toBe('');
    expect(await tailConsoleLog(join(dir, 'missing.log'), 5)).toBe('');
  });

  it('leaves a log alone until it doubles the kept size', async () => {
    writeFileSync(log, 'x'.repeat(150) + '\n');
    expect(await trimConsoleLog(log, 100)).toBe(false);
    expect(statSync(log).size).toBe(151);
  });

  it('trims to the last kept bytes at a line boundary', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    writeFileSync(log, lines.join('\n') + '\n');
    expect(await trimConsoleLog(log, 100)).toBe(true);
    const kept = readFileSync(log, 'utf8');
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.startsWith('line ')).toBe(true);
    expect(kept.endsWith('line 99\n')).toBe(true);
  });

  it('keeps writes of a writer that has the file open with O_APPEND (as QEMU does)', async () => {
    const fd = openSync(log, 'a');
    writeSync(fd, 'old\n'.repeat(100));
    await trimConsoleLog(log, 40);
    writeSync(fd, 'new line\n');
    closeSync(fd);
    const text = readFileSync(log, 'utf8');
    expect(text.endsWith('old\nnew line\n')).toBe(true);
    expect(text.length).toBeLessThan(60);
    expect(text).not.toContain('\0');
  });

  it('appends driver notes as their own lines', async () => {
    writeFileSync(log, 'partial');
    await appendConsoleNote(log, 'qemu', 'cold boot');
    expect(readFileSync(log, 'utf8')).toBe('partial\n[strata qemu driver] cold boot\n');
  });
});
