import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

const isRoot = process.getuid?.() === 0;

// A small tmpfs stands in for a data dir whose disk fills up (needs root to mount).
describe.skipIf(!isRoot)('logger on a full disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-log-full-'));
  beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'strata-log-test', dir]));
  afterAll(() => {
    execFileSync('umount', ['-l', dir]); // lazily: the logger still holds its file open
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the process up while the disk is full, and logs again once it has room', async () => {
    const logFile = join(dir, 'strata.log');
    const log = createLogger({ logLevel: 'info', logFile });
    log.info('before the disk fills');
    await new Promise((r) => setTimeout(r, 100));
    const filler = join(dir, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: the filler took all the room there was.
    }
    for (let i = 0; i < 200; i++) log.info({ i, pad: 'x'.repeat(200) }, 'while the disk is full');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(filler);
    log.info('after the disk has room');
    await expect
      .poll(() => readFileSync(logFile, 'utf8'), { timeout: 5000 })
      .toContain('after the disk has room');
    expect(readFileSync(logFile, 'utf8')).toContain('before the disk fills');
  });
});
