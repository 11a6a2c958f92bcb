import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const strata = (args: string[]) => run(process.execPath, ['bin/strata.js', ...args], { timeout: 120_000 });
const cacheDir = mkdtempSync(join(tmpdir(), 'strata-test-images-cli-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

// `strata up` registers its test images through this command's JSON output.
describe.skipIf(!existsSync('/bin/busybox'))('strata test-images', () => {
  it('builds the kinds asked for and prints one JSON line each', async () => {
    const { stdout } = await strata([
      'test-images',
      '--json',
      '--kind',
      'container',
      '--cache-dir',
      cacheDir,
    ]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toEqual([
      {
        kind: 'container',
        path: expect.stringMatching(/strata-busybox-[0-9a-f]+\.docker\.tar$/),
        diskFormat: 'raw',
        containerFormat: 'docker',
      },
    ]);
    expect(existsSync(lines[0]!['path']!)).toBe(true);
  });

  it('refuses an unknown kind and builds nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'strata-test-images-none-'));
    const err = await strata(['test-images', '--kind', 'vm,floppy', '--cache-dir', empty]).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown kind floppy') });
    expect(readdirSync(empty)).toEqual([]);
    rmSync(empty, { recursive: true, force: true });
  });
});
