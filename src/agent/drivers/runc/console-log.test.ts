import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailConsoleLog, trimConsoleLog } from './console-log.js';

describe('console log', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-console-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last part, from a line start, once past the threshold', async () => {
    const log = join(dir, 'console.log');
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    writeFileSync(log, lines.join('\n') + '\n');
    expect(await trimConsoleLog(log, 100, 10_000)).toBe(false);
    expect(await trimConsoleLog(log, 100, 500)).toBe(true);
    const kept = readFileSync(log, 'utf8');
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.startsWith('line ')).toBe(true);
    expect(kept.endsWith('line 199\n')).toBe(true);
  });

  it('tails lines, and is empty for a missing log', async () => {
    const log = join(dir, 'console.log');
    writeFileSync(log, 'a\nb\nc\n');
    expect(await tailConsoleLog(log, 2)).toBe('b\nc\n');
    expect(await tailConsoleLog(log)).toBe('a\nb\nc\n');
    expect(await tailConsoleLog(join(dir, 'none.log'), 5)).toBe('');
  });
});
